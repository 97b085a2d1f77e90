import { ConnectorsError, HttpError } from '../errors.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import type { HttpClient, HttpResponse } from '../plugin-api.js';
import { appendOrigin, compileTemplate, type TemplateContext } from '../templates/index.js';
import { describeUrl } from './describe-url.js';
import {
  CursorTracker,
  formatRunStartCursor,
  resolveIncrementalParam,
  type CursorValue,
} from './incremental.js';
import { isStreamingHttpClient } from '../http/streamed-request.js';
import { readPageRecords, type PageEnd } from './page-records.js';
import { createPaginator, type PageRecords, type PageToken } from './pagination/index.js';
import { compilePath, parsePath } from './records.js';
import { compileStreamRequest, streamOrigin, type IncrementalParam, type SessionValues } from './stream-request.js';

/** The template values a stream renders with besides `state` and `page`. */
export interface StreamTemplateValues {
  config?: Record<string, unknown>;
  /** Optional secrets set nowhere hold `null` (a header or query parameter reading one is left out). */
  secrets?: Record<string, string | null>;
  auth?: Record<string, unknown>;
  /** A child stream's `{{ parent.<name> }}` values, from one parent record (see parent-streams.ts). */
  parent?: Record<string, unknown>;
  /** `secrets` and `auth` for a session, for headers and params rendered again on every attempt (after a renewal). */
  forSession?: SessionValues;
}

/** What {@link readStream} needs. */
export interface ReadStreamOptions {
  /** The manifest: `base_url`, `headers`, top-level `retry`. */
  manifest: Manifest;
  stream: StreamDefinition;
  /** Applies auth, retries and redaction; throws `HttpError` on a non-2xx status after retries. */
  http: HttpClient;
  /** `config`, `secrets` and `auth` for templates. */
  templateValues: StreamTemplateValues;
  /** The stream's saved cursor (`bookmarks.<stream>.cursor`); ignored with `fullRefresh`. */
  cursor?: CursorValue;
  /** Ignore `cursor`: read from `start` (or everything) as on a first run. */
  fullRefresh?: boolean;
  /** Stop fetching once this many records are out (the last page is cut). */
  limit?: number;
  /** The clock; the run's start time is the state of a stream without `cursor_field`. */
  now?: () => Date;
  /** Checked before each request. */
  signal?: AbortSignal;
  /** Where the manifest stands, for template errors (e.g. its file path). */
  origin?: string;
  /** One line for the user on stderr (e.g. what `pagination: {type: auto}` chose). */
  notice?: (message: string) => void;
}

/** One page's records, in order; the array is the writer's to keep or drop. */
export interface RecordsEvent {
  type: 'records';
  stream: string;
  records: unknown[];
}

/** A page was read (for progress). */
export interface PageEvent {
  type: 'page';
  stream: string;
  /** 1 for the first page. */
  number: number;
  /** Records on this page (after a `limit` cut). */
  records: number;
  /** Records so far in the stream. */
  total: number;
}

/**
 * The stream's state: a safe checkpoint while it runs (`final: false`), or its state when it has
 * completed (`final: true`). See {@link CursorTracker} for the checkpoint rule.
 */
export interface StateEvent {
  type: 'state';
  stream: string;
  cursor: CursorValue;
  final: boolean;
}

export type StreamEvent = RecordsEvent | PageEvent | StateEvent;

/**
 * Reads one stream page by page: for each page a `records` event then a `page` event, then a
 * `state` checkpoint when one is safe and new; after the last page a final `state` event for
 * incremental streams. Nothing is kept across pages but the paginator's loop guard.
 *
 * A run cut short by `limit` is not complete: it ends with the last safe checkpoint, if any, and
 * a stream without `cursor_field` then saves no state.
 * Errors: `HttpError` naming the stream for failed requests, bodies that are not JSON, records
 * that are not an array and looping pagination; `TemplateError` for a missing template value.
 */
export async function* readStream(options: ReadStreamOptions): AsyncGenerator<StreamEvent, void, undefined> {
  const { manifest, stream, http, signal, limit } = options;
  const name = stream.name;
  const origin = streamOrigin(manifest, stream, options.origin);
  const startedAt = (options.now ?? (() => new Date()))();
  const saved = options.fullRefresh ? undefined : options.cursor;
  const incremental = stream.incremental;

  if (limit !== undefined && limit <= 0) return;
  const requests = compileStreamRequest(manifest, stream, options.origin);
  const paginator = createPaginator(stream.pagination, { stream: name, ...(options.notice ? { notice: options.notice } : {}) });
  const getRecords = compilePath(stream.records);
  const steps = stream.records === undefined || stream.records === '' ? [] : parsePath(stream.records);
  const where = { stream: name, ...(stream.records ? { path: stream.records } : {}) };
  const tracker = incremental?.cursor_field !== undefined ? new CursorTracker(incremental.cursor_field, saved) : undefined;

  const base: TemplateContext = {
    config: options.templateValues.config ?? {},
    secrets: options.templateValues.secrets ?? {},
    auth: options.templateValues.auth ?? {},
    ...(options.templateValues.parent !== undefined ? { parent: options.templateValues.parent } : {}),
    state: saved === undefined ? {} : { cursor: saved },
    now: options.now ?? (() => new Date()),
  };
  let incrementalParam: IncrementalParam | undefined;
  if (incremental?.param !== undefined) {
    const start = incremental.start === undefined ? undefined : compileTemplate(incremental.start, appendOrigin(origin, 'incremental.start')).render(base);
    const value = resolveIncrementalParam(saved, start);
    if (value !== undefined) incrementalParam = { name: incremental.param, value };
  }

  let token: PageToken | undefined = paginator.firstPage();
  let number = 0;
  let total = 0;
  let lastCheckpoint: CursorValue | undefined;
  let complete = true;
  while (token !== undefined) {
    signal?.throwIfAborted();
    const request = requests.build({ ...base, page: token.page }, token, incrementalParam, options.templateValues.forSession);
    if (signal !== undefined) request.signal = signal;
    const page = await openPage(http, request, name);
    const reader = readPageRecords(page.chunks, {
      steps,
      getter: getRecords,
      where: { ...where, url: describeUrl(page.response.url) },
      notJson: page.notJson,
    });
    let count = 0;
    let first: unknown;
    let last: unknown;
    let cut = false;
    let end: PageEnd | undefined;
    const take = (records: unknown[]): unknown[] => {
      if (limit !== undefined && total + count + records.length > limit) {
        cut = true;
        records = records.slice(0, limit - total - count);
      }
      if (records.length > 0) {
        if (count === 0) first = records[0];
        last = records[records.length - 1];
        count += records.length;
        tracker?.observe(records);
      }
      return records;
    };
    try {
      while (!cut) {
        const step = await nextBatch(reader, name, request);
        if (step.done) {
          end = step.value;
          break;
        }
        const records = take(step.value);
        if (records.length > 0) yield { type: 'records', stream: name, records };
      }
    } finally {
      // Cut by --limit, failed, or the consumer stopped: stop the download.
      if (end === undefined) {
        page.close();
        await reader.return({ body: undefined, records: [] }).catch(() => undefined);
      }
    }
    let next: PageToken | undefined;
    if (end !== undefined) {
      // A page parsed whole: the paginator sees it before its records are written.
      const rest = end.records;
      const all = rest.length === 0 ? undefined : { count: count + rest.length, first: count === 0 ? rest[0] : first, last: rest[rest.length - 1] };
      const summary: PageRecords = all ?? (count === 0 ? { count } : { count, first, last });
      next = paginator.nextPage({ body: end.body, response: page.response, records: summary }, token);
      const records = take(rest);
      if (records.length > 0) yield { type: 'records', stream: name, records };
    }
    if (cut) {
      complete = false;
      token = undefined;
    } else if (limit !== undefined && total + count >= limit) {
      complete = next === undefined;
      token = undefined;
    } else {
      token = next;
    }
    number += 1;
    total += count;
    yield { type: 'page', stream: name, number, records: count, total };
    if (tracker !== undefined && (token !== undefined || !complete)) {
      const checkpoint = tracker.checkpoint();
      if (checkpoint !== undefined && checkpoint !== lastCheckpoint) {
        lastCheckpoint = checkpoint;
        yield { type: 'state', stream: name, cursor: checkpoint, final: false };
      }
    }
  }
  if (incremental === undefined || !complete) return;
  const final = tracker !== undefined ? tracker.final() : formatRunStartCursor(startedAt, incremental.format);
  if (final !== undefined) yield { type: 'state', stream: name, cursor: final, final: true };
}

/** One page's answer: its headers and final URL, its body as chunks, and how to stop reading it. */
interface OpenPage {
  response: Pick<HttpResponse, 'headers' | 'url'>;
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  notJson: () => Error;
  close: () => void;
}

/** Sends a page's request: streamed when the client can, else buffered (one chunk). */
async function openPage(http: HttpClient, request: Parameters<HttpClient['request']>[0], stream: string): Promise<OpenPage> {
  try {
    if (isStreamingHttpClient(http)) {
      const response = await http.stream(request);
      return {
        response,
        chunks: response.body,
        notJson: () => response.notJsonError(),
        close: () => response.body.destroy(),
      };
    }
    const response = await http.request(request);
    return {
      response,
      chunks: [Buffer.from(response.body, 'utf8')],
      notJson: () => {
        try {
          response.json();
        } catch (error) {
          return error as Error;
        }
        return new HttpError(`The body from ${describeUrl(response.url)} is not JSON.`);
      },
      close: () => undefined,
    };
  } catch (error) {
    throw prefixError(error, stream, request);
  }
}

/** The reader's next batch; a failure while downloading or parsing names the stream (a records error already does). */
async function nextBatch(
  reader: AsyncGenerator<unknown[], PageEnd, undefined>,
  stream: string,
  request: Parameters<HttpClient['request']>[0],
): Promise<IteratorResult<unknown[], PageEnd>> {
  try {
    return await reader.next();
  } catch (error) {
    if (error instanceof HttpError && error.code === 'ERR_RECORDS') throw error;
    throw prefixError(error, stream, request);
  }
}

/** Names the stream in an error from the HTTP client; other errors get a message without the query. */
function prefixError(error: unknown, stream: string, request: { method?: string | undefined; url: string | URL }): Error {
  if (error instanceof Error && error.name === 'AbortError') return error; // Ctrl-C, not a failure
  if (error instanceof HttpError) {
    return new HttpError(`Stream "${stream}": ${error.message}`, {
      code: error.code,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.method !== undefined ? { method: error.method } : {}),
      ...(error.url !== undefined ? { url: error.url } : {}),
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      cause: error,
    });
  }
  if (error instanceof ConnectorsError) return error;
  const method = request.method ?? 'GET';
  const reason = error instanceof Error && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
  return new HttpError(`Stream "${stream}": ${method} ${describeUrl(request.url)} failed${reason}.`, {
    method,
    url: describeUrl(request.url),
  });
}
