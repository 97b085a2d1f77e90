import { ConnectorsError, HttpError, UsageError } from '../errors.js';
import type { DateRangePartition, StreamDefinition } from '../manifest/types.js';
import { appendOrigin, compileTemplate, type TemplateContext } from '../templates/index.js';
import type { CursorValue } from './incremental.js';
import { readStream, type ReadStreamOptions, type StreamEvent } from './runner.js';
import { streamOrigin } from './stream-request.js';

/**
 * Date windows (DESIGN.md section 13 "Date windows"): `partition: {type: date_range}` splits one
 * stream into half-open windows `[start, end)`, each starting where the previous one ended, the
 * last one cut at `end`. The windows are read one after another; each is an ordinary read of the
 * stream with `start_param`/`end_param` added to its query. With `incremental` the first window
 * starts at the saved cursor and the state is the end of the last window that completed (every
 * window before it completed too).
 */

/** An ISO-8601 duration, split into calendar parts (years, months, days) and a time part. */
export interface IsoDuration {
  years: number;
  months: number;
  days: number;
  /** Hours, minutes and seconds, in milliseconds. */
  ms: number;
}

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO-8601 duration such as `P30D`, `P1M`, `P1W`, `PT12H` or `P1Y2M3DT4H5M6S`.
 * @returns the duration, or `undefined` when `text` is not one or is zero long.
 */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const n = (i: number): number => (match[i] === undefined ? 0 : Number(match[i]));
  const duration: IsoDuration = {
    years: n(1),
    months: n(2),
    days: n(3) * 7 + n(4),
    ms: Math.round(((n(5) * 60 + n(6)) * 60 + n(7)) * 1000),
  };
  if (duration.years === 0 && duration.months === 0 && duration.days === 0 && duration.ms === 0) return undefined;
  return duration;
}

/** `date` plus `duration`, in UTC; adding months to the 31st keeps to the month's last day. */
export function addIsoDuration(date: Date, duration: IsoDuration): Date {
  const result = new Date(date.getTime());
  if (duration.years !== 0 || duration.months !== 0) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + duration.years * 12 + duration.months);
    const last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, last));
  }
  if (duration.days !== 0) result.setUTCDate(result.getUTCDate() + duration.days);
  return new Date(result.getTime() + duration.ms);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Reads a window bound: `YYYY-MM-DD` (midnight UTC) or an ISO-8601 date-time with an offset. */
export function parseWindowBound(text: string): Date | undefined {
  if (!DATE_ONLY.test(text) && !DATE_TIME.test(text)) return undefined;
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A window bound as sent and saved: `YYYY-MM-DD`, or ISO-8601 UTC (milliseconds only when there are any). */
export function formatWindowBound(date: Date, format: DateRangePartition['format']): string {
  const iso = date.toISOString();
  return format === 'date-time' ? iso.replace('.000Z', 'Z') : iso.slice(0, 10);
}

/** One window, formatted: `[start, end)`. */
export interface DateWindow {
  start: string;
  end: string;
}

/**
 * The windows from `start` to `end` by `step`: half-open, contiguous, the last one cut at `end`.
 * None when `start` equals `end`. With `format: date` bounds are whole days (a step below a day
 * still moves at least one day).
 */
export function planDateWindows(start: Date, end: Date, step: IsoDuration, format: DateRangePartition['format']): DateWindow[] {
  const windows: DateWindow[] = [];
  let from = start;
  let fromText = formatWindowBound(from, format);
  const endText = formatWindowBound(end, format);
  while (from.getTime() < end.getTime() && fromText !== endText) {
    let to = addIsoDuration(from, step);
    if (format !== 'date-time' && formatWindowBound(to, format) === fromText) to = new Date(from.getTime() + 86_400_000);
    if (to.getTime() > end.getTime()) to = end;
    const toText = formatWindowBound(to, format);
    windows.push({ start: fromText, end: toText });
    from = to;
    fromText = toText;
  }
  return windows;
}

/**
 * Reads a stream with `partition: {type: date_range}`: window by window, each a {@link readStream}
 * of the stream with the window's bounds as query parameters. Emits the same events as
 * `readStream` (pages numbered across windows); for incremental streams a `state` event after
 * each completed window (its end) and a final one at the end of the last.
 *
 * Errors: `UsageError` for a bound that is not a date or a start after the end; an error in a
 * window names the window (`Stream "invoices", window [2025-01-01, 2025-02-01): ...`).
 */
export async function* readWindowedStream(options: ReadStreamOptions): AsyncGenerator<StreamEvent, void, undefined> {
  const { manifest, stream, limit } = options;
  const partition = stream.partition;
  if (partition === undefined) {
    yield* readStream(options);
    return;
  }
  const name = stream.name;
  const origin = appendOrigin(streamOrigin(manifest, stream, options.origin), 'partition');
  const now = options.now ?? (() => new Date());
  const format = partition.format ?? 'date';
  const saved = options.fullRefresh || stream.incremental === undefined ? undefined : options.cursor;
  const context: TemplateContext = {
    config: options.templateValues.config ?? {},
    secrets: options.templateValues.secrets ?? {},
    auth: options.templateValues.auth ?? {},
    state: saved === undefined ? {} : { cursor: saved },
    now,
  };
  const step = parseIsoDuration(partition.step);
  if (step === undefined) {
    throw new UsageError(`Stream "${name}": partition.step ${JSON.stringify(partition.step)} is not an ISO-8601 duration such as P30D.`);
  }
  const startText = saved !== undefined ? String(saved) : compileTemplate(partition.start, appendOrigin(origin, 'start')).render(context);
  const start = parseWindowBound(startText);
  if (start === undefined) {
    const what = saved !== undefined ? 'the saved cursor' : 'partition.start';
    throw new UsageError(`Stream "${name}": ${what} ${JSON.stringify(startText)} is not a date (YYYY-MM-DD) or an ISO-8601 date-time.`);
  }
  const endSource = partition.end ?? 'now';
  const endRendered = endSource === 'now' ? 'now' : compileTemplate(endSource, appendOrigin(origin, 'end')).render(context);
  // A template may render `now` too (`{{ config.date_to || "now" }}`).
  const endText = endRendered === 'now' ? formatWindowBound(now(), format) : endRendered;
  const end = parseWindowBound(endText);
  if (end === undefined) {
    throw new UsageError(`Stream "${name}": partition.end ${JSON.stringify(endText)} is not "now", a date (YYYY-MM-DD) or an ISO-8601 date-time.`);
  }
  if (start.getTime() > end.getTime()) {
    throw new UsageError(`Stream "${name}": the date windows start at ${startText}, after their end ${endText}.`);
  }

  const windows = planDateWindows(start, end, step, format);
  const startParam = partition.start_param ?? 'dateFrom';
  const endParam = partition.end_param ?? 'dateTo';
  const { partition: _partition, incremental: _incremental, ...plain } = stream;
  let number = 0;
  let total = 0;
  let completed: CursorValue | undefined;
  for (const window of windows) {
    const windowStream: StreamDefinition = { ...plain, params: { ...stream.params, [startParam]: window.start, [endParam]: window.end } };
    const windowManifest = { ...manifest, streams: manifest.streams.map((s) => (s === stream ? windowStream : s)) };
    const remaining = limit === undefined ? undefined : limit - total;
    if (remaining !== undefined && remaining <= 0) return;
    let count = 0;
    try {
      const events = readStream({ ...options, manifest: windowManifest, stream: windowStream, limit: remaining, cursor: undefined });
      for await (const event of events) {
        if (event.type === 'page') {
          number += 1;
          count = event.total;
          yield { ...event, number, total: total + event.total };
        } else if (event.type === 'records') {
          yield event;
        }
      }
    } catch (error) {
      throw nameWindow(error, name, window);
    }
    total += count;
    if (remaining !== undefined && count >= remaining) return; // cut by --limit: this window is not known complete
    completed = window.end;
    if (stream.incremental !== undefined && window !== windows[windows.length - 1]) {
      yield { type: 'state', stream: name, cursor: completed, final: false };
    }
  }
  if (stream.incremental === undefined) return;
  yield { type: 'state', stream: name, cursor: completed ?? saved ?? formatWindowBound(start, format), final: true };
}

/** Puts the window into an error's message: `Stream "x", window [a, b): ...`. */
function nameWindow(error: unknown, stream: string, window: DateWindow): unknown {
  if (!(error instanceof ConnectorsError)) return error;
  const prefix = `Stream "${stream}": `;
  const rest = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const message = `Stream "${stream}", window [${window.start}, ${window.end}): ${rest}`;
  if (error instanceof HttpError) {
    return new HttpError(message, {
      code: error.code,
      exitCode: error.exitCode,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.method !== undefined ? { method: error.method } : {}),
      ...(error.url !== undefined ? { url: error.url } : {}),
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      cause: error,
    });
  }
  return error;
}
