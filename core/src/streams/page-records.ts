/**
 * Reads the records out of one page's body as it downloads, so a page of any size costs memory
 * for a batch of records, not for the page.
 *
 * A body up to `bufferLimit` bytes (1 MiB by default: nearly every API page) is parsed whole with
 * `JSON.parse`, which is several times faster than any parser written in JavaScript. Past that the
 * bytes read so far and every later chunk go to a streaming parser (`@streamparser/json`) that
 * hands over each element of the records array as soon as it is complete, and drops it from the
 * page it builds. The rest of the page (next cursors, totals, links), before or after the
 * records, is kept, so the paginator sees the whole body with an empty records array.
 */
import { JSONParser } from '@streamparser/json';
import { extractRecordsWith, type PathGetter, type RecordsLocation } from './records.js';

/** Bytes of a body parsed whole before the streaming parser takes over. */
export const DEFAULT_PAGE_BUFFER_LIMIT = 1024 * 1024;

/** What {@link readPageRecords} needs. */
export interface PageRecordsOptions {
  /** The records path's steps (`parsePath`); empty for a body that is the array itself. */
  steps: ReadonlyArray<string | number>;
  /** The same path compiled, to find the array in a body parsed whole. */
  getter: PathGetter;
  /** Where the records were looked for, for the "not an array" error. */
  where: RecordsLocation;
  /** The error for a body that is not JSON. */
  notJson: () => Error;
  /** See {@link DEFAULT_PAGE_BUFFER_LIMIT}. */
  bufferLimit?: number;
}

/** The end of a page: its body, and the records not yielded yet. */
export interface PageEnd {
  /** The whole body; its records array is emptied when the page was streamed. */
  body: unknown;
  /**
   * Records still to hand over: all of them for a page parsed whole (so the paginator can look at
   * the body before any of its records are written, as for a page that loops), none when streamed.
   */
  records: unknown[];
}

/**
 * Yields the records of a streamed page in batches, in order, and returns the body and the
 * records not yielded ({@link PageEnd}).
 * @throws what `notJson` gives for a body that is not JSON (records already yielded stay yielded).
 * @throws HttpError (code `ERR_RECORDS`) when the records path does not hold an array.
 */
export async function* readPageRecords(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, options: PageRecordsOptions): AsyncGenerator<unknown[], PageEnd, undefined> {
  const limit = options.bufferLimit ?? DEFAULT_PAGE_BUFFER_LIMIT;
  const buffered: Buffer[] = [];
  let size = 0;
  let parser: PageParser | undefined;
  for await (const chunk of chunks) {
    if (parser === undefined) {
      buffered.push(chunk);
      size += chunk.length;
      if (size <= limit) continue;
      parser = new PageParser(options);
      for (const part of buffered.splice(0)) parser.write(part);
    } else {
      parser.write(chunk);
    }
    const batch = parser.take();
    if (batch.length > 0) yield batch;
  }
  if (parser === undefined) {
    const body = parseWhole(Buffer.concat(buffered, size), options.notJson);
    return { body, records: extractRecordsWith(body, options.getter, options.where) };
  }
  const body = parser.end();
  const left = extractRecordsWith(body, options.getter, options.where);
  const batch = parser.take();
  if (batch.length > 0) yield batch;
  return { body, records: left.splice(0) };
}

function parseWhole(bytes: Buffer, notJson: () => Error): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw notJson();
  }
}

/** The streaming parser of one page, collecting records into a batch and the rest into the body. */
class PageParser {
  readonly #parser: JSONParser;
  readonly #steps: ReadonlyArray<string | number>;
  readonly #notJson: () => Error;
  #batch: unknown[] = [];
  #body: unknown;
  #done = false;

  constructor(options: PageRecordsOptions) {
    this.#steps = options.steps;
    this.#notJson = options.notJson;
    this.#parser = new JSONParser({ paths: ['$', recordSelector(options.steps)], keepStack: true });
    this.#parser.onValue = ({ value, key, parent, stack }) => {
      if (stack.length === 0) {
        this.#body = value;
        return;
      }
      if (!Array.isArray(parent) || !this.#isRecordPosition(stack, key)) return;
      // The element is the last one of the array the parser builds: hand it over and drop it.
      parent.length -= 1;
      this.#batch.push(value);
    };
    this.#parser.onEnd = () => {
      this.#done = true;
    };
  }

  /** Parses the next chunk; whitespace after the page's value is allowed, anything else is not. */
  write(chunk: Buffer): void {
    if (this.#done) {
      if (!isWhitespace(chunk)) throw this.#notJson();
      return;
    }
    try {
      this.#parser.write(chunk);
    } catch {
      throw this.#notJson();
    }
  }

  /** The records completed since the last call. */
  take(): unknown[] {
    const batch = this.#batch;
    this.#batch = [];
    return batch;
  }

  /** The body once all chunks are written, records streamed out. */
  end(): unknown {
    if (!this.#done) {
      try {
        this.#parser.end();
      } catch {
        throw this.#notJson();
      }
    }
    if (!this.#done) throw this.#notJson();
    return this.#body;
  }

  /** True when the value the parser just completed sits at `<records path>[i]`. */
  #isRecordPosition(stack: ReadonlyArray<{ key?: string | number | undefined }>, key: string | number | undefined): boolean {
    const steps = this.#steps;
    if (stack.length !== steps.length + 1 || typeof key !== 'number') return false;
    for (let i = 0; i < steps.length; i += 1) {
      if (String(stack[i + 1]!.key) !== String(steps[i])) return false;
    }
    return true;
  }
}

/**
 * The parser's selector for the records' elements, `$.data.items.*`. Its selectors split on dots
 * and know only names and `*`, so a name holding a dot (or a `*`) becomes `*` and the exact
 * position is checked on each value.
 */
function recordSelector(steps: ReadonlyArray<string | number>): string {
  const names = steps.map((step) => {
    const text = String(step);
    return text === '' || text.includes('.') || text.includes('*') ? '*' : text;
  });
  return ['$', ...names, '*'].join('.');
}

function isWhitespace(chunk: Buffer): boolean {
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}
