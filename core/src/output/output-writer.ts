import type { JSONSchema } from '../plugin-api.js';
import type { StateValue } from '../streams/state.js';

/** What a writer needs to know about a stream before its records. */
export interface StreamOutputInfo {
  name: string;
  /** The stream's `schema:`, or an open schema. */
  schema: JSONSchema;
  /** From `primary_key`. */
  keyProperties: string[];
  /** From `incremental.cursor_field`, when set. */
  bookmarkProperties?: string[];
}

/**
 * Where a run's records and state go: Singer lines on stdout ({@link SingerWriter}) or files
 * under `--output DIR` ({@link JsonlWriter}). Every method resolves once the data is accepted by
 * the destination (backpressure): a caller that awaits each call never buffers more than a page.
 */
export interface OutputWriter {
  startStream(info: StreamOutputInfo): Promise<void>;
  /** One page of records of the current stream. */
  writeRecords(stream: string, records: readonly unknown[]): Promise<void>;
  /** The whole state value after a checkpoint or a completed stream. */
  writeState(value: StateValue): Promise<void>;
  endStream(stream: string): Promise<void>;
  /** Flushes everything; `state` is the run's final state value. Also called after a failure. */
  close(state: StateValue): Promise<void>;
}

/** The open schema of a stream without `schema:`. */
export const OPEN_SCHEMA: JSONSchema = Object.freeze({ type: 'object', additionalProperties: true });

/** Minimal view of a writable stream, so tests can pass a fake. */
export interface WritableLike {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}
