/**
 * A folder of per-stream JSONL files, `<folder>/<stream>.jsonl`, one bare record per line: what
 * `--output DIR` ({@link JsonlWriter}) and the `dir:` destination write. The folder and its parents
 * are made on the first stream; writes wait for the file to drain.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { makeDirectory } from '../make-directory.js';
import { BackpressureWriter } from './write-with-backpressure.js';

interface OpenFile {
  file: WriteStream;
  out: BackpressureWriter;
}

export class JsonlFiles {
  readonly #files = new Map<string, OpenFile>();
  #ready: Promise<unknown> | undefined;

  /**
   * @param folder where the files go
   * @param mode `append` adds to a stream's file (the `dir:` destination), `replace` starts it anew (`--output`)
   * @param where how messages name the place (`--output`, `the destination dir:`)
   */
  constructor(
    readonly folder: string,
    private readonly mode: 'append' | 'replace',
    private readonly where: string,
  ) {}

  /** The path of a stream's records file. */
  fileOf(stream: string): string {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(stream) || stream.includes('..')) {
      throw new UsageError(`The stream name "${stream}" cannot name a file under ${this.where}.`);
    }
    return join(this.folder, `${stream}.jsonl`);
  }

  /** Makes the folder (once). */
  makeFolder(): Promise<unknown> {
    this.#ready ??= makeDirectory(this.folder);
    return this.#ready;
  }

  async open(stream: string): Promise<void> {
    const path = this.fileOf(stream);
    await this.makeFolder();
    const file = createWriteStream(path, { encoding: 'utf8', flags: this.mode === 'append' ? 'a' : 'w' });
    this.#files.set(stream, { file, out: new BackpressureWriter(file, path) });
  }

  write(stream: string, records: readonly unknown[]): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return Promise.reject(new Error(`Stream "${stream}" was not started.`));
    let chunk = '';
    for (let i = 0; i < records.length; i += 1) chunk += `${JSON.stringify(records[i])}\n`;
    return entry.out.write(chunk);
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  async flush(): Promise<void> {
    await Promise.all([...this.#files.values()].map((entry) => flushFile(entry.file)));
  }

  async close(stream: string): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return;
    this.#files.delete(stream);
    await closeFile(entry.file);
  }

  async closeAll(): Promise<void> {
    const open = [...this.#files.values()];
    this.#files.clear();
    await Promise.all(open.map((entry) => closeFile(entry.file)));
  }
}

function flushFile(file: WriteStream): Promise<void> {
  if (file.closed || file.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    file.write('', (error) => (error ? reject(error) : resolve()));
  });
}

function closeFile(file: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (file.closed) {
      resolve();
      return;
    }
    file.once('error', reject);
    file.once('close', () => resolve());
    file.end();
  });
}
