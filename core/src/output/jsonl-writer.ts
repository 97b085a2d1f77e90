import { join } from 'node:path';
import { writeFileAtomic } from '../secrets/atomic-file.js';
import type { StateValue } from '../streams/state.js';
import { JsonlFiles } from './jsonl-files.js';
import type { OutputWriter, StreamOutputInfo } from './output-writer.js';

/**
 * `--output DIR` (DESIGN.md section 8 "run flags"): `DIR/<stream>.jsonl` of bare records, one per
 * line, and `DIR/state.json` with the final state value (the format `--state` reads). DIR and its
 * parents are created. Nothing goes to stdout. A stream's file is replaced, not appended to.
 */
export class JsonlWriter implements OutputWriter {
  readonly #files: JsonlFiles;
  #state: StateValue | undefined;

  constructor(readonly dir: string) {
    this.#files = new JsonlFiles(dir, 'replace', '--output');
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

  /** Remembers the state; `state.json` is written when the run closes. */
  writeState(value: StateValue): Promise<void> {
    this.#state = value;
    return Promise.resolve();
  }

  endStream(stream: string): Promise<void> {
    return this.#files.close(stream);
  }

  async close(state: StateValue): Promise<void> {
    await this.#files.closeAll();
    await this.#files.makeFolder();
    await writeFileAtomic(join(this.dir, 'state.json'), `${JSON.stringify(state ?? this.#state, null, 2)}\n`, 0o644);
  }
}
