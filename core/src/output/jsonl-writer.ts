import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../secrets/atomic-file.js';
import type { StateValue } from '../streams/state.js';
import { BackpressureWriter } from './write-with-backpressure.js';
import type { OutputWriter, StreamOutputInfo } from './output-writer.js';
import { makeDirectory } from '../make-directory.js';

/**
 * `--output DIR` (DESIGN.md section 8 "run flags"): `DIR/<stream>.jsonl` of bare records, one per
 * line, and `DIR/state.json` with the final state value (the format `--state` reads). DIR and its
 * parents are created. Nothing goes to stdout. A stream's file is replaced, not appended to.
 */
export class JsonlWriter implements OutputWriter {
  readonly #files = new Map<string, { file: WriteStream; out: BackpressureWriter }>();
  #state: StateValue | undefined;
  #ready: Promise<unknown> | undefined;

  constructor(readonly dir: string) {}

  /** The path of a stream's records file. */
  fileOf(stream: string): string {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(stream) || stream.includes('..')) {
      throw new UsageError(`The stream name "${stream}" cannot name a file under --output.`);
    }
    return join(this.dir, `${stream}.jsonl`);
  }

  async startStream(info: StreamOutputInfo): Promise<void> {
    const path = this.fileOf(info.name);
    this.#ready ??= makeDirectory(this.dir);
    await this.#ready;
    const file = createWriteStream(path, { encoding: 'utf8' });
    this.#files.set(info.name, { file, out: new BackpressureWriter(file, path) });
  }

  writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return Promise.reject(new Error(`Stream "${stream}" was not started.`));
    let chunk = '';
    for (let i = 0; i < records.length; i += 1) chunk += `${JSON.stringify(records[i])}\n`;
    return entry.out.write(chunk);
  }

  /** Remembers the state; `state.json` is written when the run closes. */
  writeState(value: StateValue): Promise<void> {
    this.#state = value;
    return Promise.resolve();
  }

  async endStream(stream: string): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return;
    this.#files.delete(stream);
    await closeFile(entry.file);
  }

  async close(state: StateValue): Promise<void> {
    const open = [...this.#files.values()];
    this.#files.clear();
    await Promise.all(open.map((entry) => closeFile(entry.file)));
    this.#ready ??= makeDirectory(this.dir);
    await this.#ready;
    await writeFileAtomic(join(this.dir, 'state.json'), `${JSON.stringify(state ?? this.#state, null, 2)}\n`, 0o644);
  }
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
