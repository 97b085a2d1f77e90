import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { JsonlFiles } from '../output/jsonl-files.js';
import type { StreamOutputInfo } from '../output/output-writer.js';
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
  readonly #files: JsonlFiles;
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
    this.#files = new JsonlFiles(this.folder, 'append', 'the destination dir:');
  }

  /** The path of a stream's records file. */
  fileOf(stream: string): string {
    return this.#files.fileOf(stream);
  }

  startStream(info: StreamOutputInfo): Promise<void> {
    return this.#files.open(info.name);
  }

  writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    return this.#files.write(stream, records);
  }

  /** A checkpoint: saved by the next {@link saveState} or {@link close}. */
  writeState(_value?: StateValue): Promise<void> {
    return Promise.resolve();
  }

  async saveState(value: StateValue): Promise<void> {
    if (this.#states === undefined || sameState(this.#saved, value)) return;
    await this.#files.flush();
    await this.#files.makeFolder();
    await writeFileAtomic(join(this.folder, 'state.json'), `${JSON.stringify(value, null, 2)}\n`, 0o644);
    await this.#states.save(this.#connector, this.#connection, value);
    this.#saved = value;
  }

  endStream(stream: string): Promise<void> {
    return this.#files.close(stream);
  }

  /** Closes the files, then saves `state` (the run's last safe state). */
  async close(state: StateValue): Promise<void> {
    await this.#files.closeAll();
    await this.saveState(state);
  }
}
