import type { StateValue } from '../streams/state.js';
import { BackpressureWriter } from './write-with-backpressure.js';
import type { OutputWriter, StreamOutputInfo, WritableLike } from './output-writer.js';

/**
 * Singer messages, one JSON object per line (DESIGN.md section 7):
 * `{"type":"SCHEMA","stream":S,"schema":{...},"key_properties":[...]}` (plus `bookmark_properties`
 * for incremental streams with a cursor field), `{"type":"RECORD","stream":S,"record":{...}}`,
 * `{"type":"STATE","value":{...}}`. A page of records is one write. No `time_extracted`: it would
 * cost a field per record and say little more than the order of the lines.
 */
export class SingerWriter implements OutputWriter {
  readonly #out: BackpressureWriter;
  readonly #prefixes = new Map<string, string>();

  constructor(out: WritableLike, name = 'stdout') {
    this.#out = new BackpressureWriter(out, name);
  }

  startStream(info: StreamOutputInfo): Promise<void> {
    this.#prefixes.set(info.name, `{"type":"RECORD","stream":${JSON.stringify(info.name)},"record":`);
    const message: Record<string, unknown> = {
      type: 'SCHEMA',
      stream: info.name,
      schema: info.schema,
      key_properties: info.keyProperties,
    };
    if (info.bookmarkProperties !== undefined) message.bookmark_properties = info.bookmarkProperties;
    return this.#out.write(`${JSON.stringify(message)}\n`);
  }

  writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    const prefix = this.#prefixes.get(stream) ?? `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`;
    let chunk = '';
    for (let i = 0; i < records.length; i += 1) chunk += `${prefix}${JSON.stringify(records[i])}}\n`;
    return this.#out.write(chunk);
  }

  writeState(value: StateValue): Promise<void> {
    return this.#out.write(`{"type":"STATE","value":${JSON.stringify(value)}}\n`);
  }

  endStream(stream: string): Promise<void> {
    this.#prefixes.delete(stream);
    return Promise.resolve();
  }

  /** Nothing to flush: the final state was written when its stream completed. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
