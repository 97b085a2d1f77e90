/**
 * Progress on stderr (DESIGN.md section 7): on a terminal, one live line per running stream
 * (records so far, pages, records per second), redrawn at most every `intervalMs`; at the end of
 * each stream a one-line summary, on a terminal or not, unless `quiet`.
 */

/** The part of a stream progress writes to (stderr). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporterOptions {
  output: ProgressOutput;
  /** No output at all. */
  quiet?: boolean;
  /** Milliseconds; defaults to `performance.now`. */
  clock?: () => number;
  /** Least time between two redraws of the live line (default 100 ms). */
  intervalMs?: number;
}

/** How a stream ended, for its summary. */
export type StreamOutcome = 'completed' | 'limited' | 'failed';

/** The totals of one stream. */
export interface StreamProgress {
  stream: string;
  records: number;
  pages: number;
  /** Milliseconds. */
  elapsedMs: number;
}

const CLEAR_LINE = '\r\u001b[2K';

/** Reports the progress of the streams of one run, one stream at a time. */
export class ProgressReporter {
  readonly #output: ProgressOutput;
  readonly #live: boolean;
  readonly #quiet: boolean;
  readonly #clock: () => number;
  readonly #interval: number;
  #current: { stream: string; records: number; pages: number; startedAt: number; drawnAt: number } | undefined;

  constructor(options: ProgressReporterOptions) {
    this.#output = options.output;
    this.#quiet = options.quiet ?? false;
    this.#live = !this.#quiet && options.output.isTTY === true;
    this.#clock = options.clock ?? (() => performance.now());
    this.#interval = options.intervalMs ?? 100;
  }

  startStream(stream: string): void {
    const now = this.#clock();
    this.#current = { stream, records: 0, pages: 0, startedAt: now, drawnAt: Number.NEGATIVE_INFINITY };
  }

  /** One line for the user (e.g. what pagination auto-detect chose), written even when quiet: it is not progress. */
  notice(message: string): void {
    this.#output.write(`${this.#live ? CLEAR_LINE : ''}${message}\n`);
  }

  /** One page read: `records` on it. Redraws the live line when the interval has passed. */
  page(records: number): void {
    const current = this.#current;
    if (current === undefined) return;
    current.records += records;
    current.pages += 1;
    if (!this.#live) return;
    const now = this.#clock();
    if (now - current.drawnAt < this.#interval) return;
    current.drawnAt = now;
    const rate = formatRate(current.records, now - current.startedAt);
    this.#output.write(`${CLEAR_LINE}${current.stream}: ${formatCount(current.records)} records, ${formatCount(current.pages)} pages${rate}`);
  }

  /** Ends the current stream and prints its summary; returns its totals. */
  endStream(outcome: StreamOutcome): StreamProgress | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    this.#current = undefined;
    const elapsedMs = this.#clock() - current.startedAt;
    const totals = { stream: current.stream, records: current.records, pages: current.pages, elapsedMs };
    if (this.#quiet) return totals;
    this.#output.write(`${this.#live ? CLEAR_LINE : ''}${formatSummary(totals, outcome)}\n`);
    return totals;
  }
}

/** `customers: 200,000 records, 200 pages in 3.2 s (62,500 records/s)`, plus how it ended. */
export function formatSummary(totals: StreamProgress, outcome: StreamOutcome): string {
  const seconds = totals.elapsedMs / 1000;
  const time = seconds < 10 ? seconds.toFixed(1) : Math.round(seconds).toString();
  const pages = totals.pages === 1 ? '1 page' : `${formatCount(totals.pages)} pages`;
  const records = totals.records === 1 ? '1 record' : `${formatCount(totals.records)} records`;
  const ending = outcome === 'completed' ? '' : outcome === 'limited' ? ', stopped at --limit' : ', failed';
  return `${totals.stream}: ${records}, ${pages} in ${time} s${formatRate(totals.records, totals.elapsedMs)}${ending}`;
}

function formatRate(records: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return '';
  return ` (${formatCount(Math.round((records * 1000) / elapsedMs))} records/s)`;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
