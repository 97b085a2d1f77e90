import { UsageError } from '../errors.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import type { HttpClient } from '../plugin-api.js';
import { OPEN_SCHEMA, type OutputWriter, type StreamOutputInfo } from '../output/output-writer.js';
import type { ProgressReporter, StreamOutcome } from '../output/progress.js';
import { normalizePrimaryKey } from './records.js';
import { readParentedStream } from './parent-streams.js';
import type { StreamTemplateValues } from './runner.js';
import { createEmptyState, getStreamCursor, setStreamCursor, type StateValue } from './state.js';

/** What {@link syncStreams} needs: a prepared HTTP client, template values, a writer. */
export interface SyncStreamsOptions {
  manifest: Manifest;
  /** Stream names to run (`--stream`), in the order given; all of the manifest's when omitted. */
  streams?: readonly string[];
  http: HttpClient;
  templateValues: StreamTemplateValues;
  /** The state to start from: `--state FILE`, else the saved state. */
  state?: StateValue;
  /** `--full-refresh`: ignore the starting state's cursors (the new state is still written). */
  fullRefresh?: boolean;
  /** `--limit N`: records per stream. A limited run is a sample: `saveState` is not called. */
  limit?: number;
  writer: OutputWriter;
  /**
   * Persists the state (e.g. `FileStateStore.save`). Called when a stream completes, and after a
   * checkpoint when `checkpointIntervalMs` has passed since the last save.
   */
  saveState?: (value: StateValue) => Promise<void>;
  /** Least time between two checkpoint saves (default 5,000 ms; 0 saves every checkpoint). */
  checkpointIntervalMs?: number;
  progress?: ProgressReporter;
  now?: () => Date;
  signal?: AbortSignal;
  /** Where the manifest stands, for template errors. */
  origin?: string;
}

/** The outcome of a sync. */
export interface SyncResult {
  /** The final state value (what was last written and saved). */
  state: StateValue;
  streams: Array<{ stream: string; records: number; pages: number; outcome: StreamOutcome }>;
}

/**
 * The streams to run: all of the manifest's, or those named.
 * @throws UsageError (exit 2) for an unknown name, listing the manifest's streams.
 */
export function selectStreams(manifest: Manifest, names?: readonly string[]): StreamDefinition[] {
  if (names === undefined || names.length === 0) return [...manifest.streams];
  return [...new Set(names)].map((name) => {
    const found = manifest.streams.find((stream) => stream.name === name);
    if (found === undefined) {
      const known = manifest.streams.map((stream) => stream.name).join(', ');
      throw new UsageError(`Connector "${manifest.name}" has no stream "${name}"; its streams are: ${known}.`);
    }
    return found;
  });
}

/** The SCHEMA facts of a stream. */
export function describeStreamOutput(stream: StreamDefinition): StreamOutputInfo {
  const info: StreamOutputInfo = {
    name: stream.name,
    schema: stream.schema ?? OPEN_SCHEMA,
    keyProperties: normalizePrimaryKey(stream.primary_key),
  };
  if (stream.incremental?.cursor_field !== undefined) info.bookmarkProperties = [stream.incremental.cursor_field];
  return info;
}

/**
 * Runs streams one after another into a writer: SCHEMA, records page by page (awaiting the
 * writer's backpressure), STATE after each checkpoint and completed stream (the whole state value,
 * other streams' bookmarks kept). On failure the writer is closed with the state reached (safe
 * checkpoints only) and the error is rethrown.
 */
export async function syncStreams(options: SyncStreamsOptions): Promise<SyncResult> {
  const { manifest, writer, progress, limit } = options;
  const selected = selectStreams(manifest, options.streams);
  const save = limit === undefined ? options.saveState : undefined;
  const interval = options.checkpointIntervalMs ?? 5000;
  let state = options.state ?? createEmptyState();
  let lastSave = Date.now();
  const result: SyncResult = { state, streams: [] };
  try {
    for (const stream of selected) {
      // `output: false`: read only as a parent, by its children (parent-streams.ts).
      if (stream.output === false) continue;
      await writer.startStream(describeStreamOutput(stream));
      progress?.startStream(stream.name);
      let records = 0;
      let pages = 0;
      let outcome: StreamOutcome = 'failed';
      try {
        const events = readParentedStream({
          manifest,
          stream,
          http: options.http,
          templateValues: options.templateValues,
          cursor: getStreamCursor(options.state, stream.name),
          fullRefresh: options.fullRefresh,
          limit,
          now: options.now,
          signal: options.signal,
          origin: options.origin,
          notice: (message) => progress?.notice(message),
        });
        for await (const event of events) {
          if (event.type === 'records') {
            await writer.writeRecords(stream.name, event.records);
          } else if (event.type === 'page') {
            records = event.total;
            pages = event.number;
            progress?.page(event.records);
          } else {
            state = setStreamCursor(state, event.stream, event.cursor);
            result.state = state;
            await writer.writeState(state);
            if (save !== undefined && (event.final || Date.now() - lastSave >= interval)) {
              await save(state);
              lastSave = Date.now();
            }
          }
        }
        outcome = limit !== undefined && records >= limit ? 'limited' : 'completed';
      } finally {
        progress?.endStream(outcome);
        result.streams.push({ stream: stream.name, records, pages, outcome });
      }
      await writer.endStream(stream.name);
    }
  } catch (error) {
    await writer.close(state).catch(() => undefined);
    if (save !== undefined && state !== options.state) await save(state).catch(() => undefined);
    throw error;
  }
  await writer.close(state);
  return result;
}
