import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { makeDirectory } from '../make-directory.js';
import type { StreamOutputInfo } from '../output/output-writer.js';
import { BackpressureWriter } from '../output/write-with-backpressure.js';
import { writeFileAtomic } from '../secrets/atomic-file.js';
import { isFileSafeName } from '../secrets/store.js';
import type { StateStore, StateValue } from '../streams/state.js';
import { sameState, type Destination } from './destination.js';

/** What {@link DirDestination} needs. */
export interface DirDestinationOptions {
  /** `dir:PATH`, resolved. */
  root: string;
  connector: string;
  connection: string;
  /** Where the connection's state is saved (after the records before it are written); absent: no state saved. */
  states?: StateStore;
}

interface OpenFile {
  file: WriteStream;
  out: BackpressureWriter;
}

/**
 * `dir:PATH` (DESIGN.md section 11): `PATH/<connector>/<connection>/<stream>.jsonl` of bare
 * records, appended to by every run, and `PATH/<connector>/<connection>/state.json`, the state
 * saved with them (the format `--state` reads). A state is written only after every record before
 * it has reached the files, then saved as the connection's state as usual.
 */
export class DirDestination implements Destination {
  readonly description: string;
  /** `PATH/<connector>/<connection>`. */
  readonly folder: string;
  readonly #states: StateStore | undefined;
  readonly #connector: string;
  readonly #connection: string;
  readonly #files = new Map<string, OpenFile>();
  #ready: Promise<unknown> | undefined;
  #saved: StateValue | undefined;

  constructor(options: DirDestinationOptions) {
    for (const [what, name] of [['connector', options.connector], ['connection', options.connection]] as const) {
      if (!isFileSafeName(name)) throw new UsageError(`The ${what} name "${name}" cannot name a folder under the destination dir:.`);
    }
    this.folder = join(resolve(options.root), options.connector, options.connection);
    this.description = `dir:${options.root}`;
    this.#states = options.states;
    this.#connector = options.connector;
    this.#connection = options.connection;
  }

  /** The path of a stream's records file. */
  fileOf(stream: string): string {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(stream) || stream.includes('..')) {
      throw new UsageError(`The stream name "${stream}" cannot name a file under the destination dir:.`);
    }
    return join(this.folder, `${stream}.jsonl`);
  }

  async startStream(info: StreamOutputInfo): Promise<void> {
    const path = this.fileOf(info.name);
    await this.#makeFolder();
    const file = createWriteStream(path, { encoding: 'utf8', flags: 'a' });
    this.#files.set(info.name, { file, out: new BackpressureWriter(file, path) });
  }

  writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return Promise.reject(new Error(`Stream "${stream}" was not started.`));
    let chunk = '';
    for (let i = 0; i < records.length; i += 1) chunk += `${JSON.stringify(records[i])}\n`;
    return entry.out.write(chunk);
  }

  /** A checkpoint: saved by the next {@link saveState} or {@link close}. */
  writeState(): Promise<void> {
    return Promise.resolve();
  }

  async saveState(value: StateValue): Promise<void> {
    if (this.#states === undefined || sameState(this.#saved, value)) return;
    await Promise.all([...this.#files.values()].map((entry) => flushFile(entry.file)));
    await this.#makeFolder();
    await writeFileAtomic(join(this.folder, 'state.json'), `${JSON.stringify(value, null, 2)}\n`, 0o644);
    await this.#states.save(this.#connector, this.#connection, value);
    this.#saved = value;
  }

  async endStream(stream: string): Promise<void> {
    const entry = this.#files.get(stream);
    if (entry === undefined) return;
    this.#files.delete(stream);
    await closeFile(entry.file);
  }

  /** Closes the files, then saves `state` (the run's last safe state). */
  async close(state: StateValue): Promise<void> {
    const open = [...this.#files.values()];
    this.#files.clear();
    await Promise.all(open.map((entry) => closeFile(entry.file)));
    await this.saveState(state);
  }

  #makeFolder(): Promise<unknown> {
    this.#ready ??= makeDirectory(this.folder);
    return this.#ready;
  }
}

/** Resolves once everything written to `file` before it has been handed to the operating system. */
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
