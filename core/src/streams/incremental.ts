import type { Incremental } from '../manifest/types.js';
import { compilePath, type PathGetter } from './records.js';

/**
 * Incremental reads (DESIGN.md section 3 and section 8 "Incremental without a cursor field").
 *
 * Cursor values are compared by {@link compareCursorValues}: two numbers numerically, anything
 * else as strings, lexically. That orders ISO-8601 times correctly when they share one format and
 * one offset (e.g. all `Z`), which is what APIs send; times in mixed offsets do not compare.
 */

/** A saved cursor: a record field's value, or the run's start time. */
export type CursorValue = string | number;

/** Orders two cursor values: numbers numerically, otherwise as strings (lexically). */
export function compareCursorValues(a: CursorValue, b: CursorValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two cursor values; `undefined` counts as smallest. */
export function maxCursorValue(a: CursorValue | undefined, b: CursorValue | undefined): CursorValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareCursorValues(a, b) >= 0 ? a : b;
}

/** The run's start time as a state value: ISO-8601 UTC, or `YYYY-MM-DD` with `format: date`. */
export function formatRunStartCursor(now: Date, format: Incremental['format']): string {
  const iso = now.toISOString();
  return format === 'date' ? iso.slice(0, 10) : iso;
}

/**
 * The value the `param` query parameter receives: the saved cursor, else the rendered `start`,
 * else none (the parameter is then not sent).
 */
export function resolveIncrementalParam(saved: CursorValue | undefined, start: string | undefined): string | undefined {
  if (saved !== undefined) return String(saved);
  return start === undefined || start === '' ? undefined : start;
}

/**
 * Follows the largest `cursor_field` value of a stream's records, page by page.
 *
 * Checkpoint rule (state while the stream runs): records are only known to be delivered in cursor
 * order if every value so far has been greater than or equal to the one before. While that holds,
 * every record with a value below the largest seen has been read, so the largest value *strictly
 * below* the maximum is safe to save: resuming from it re-reads the records at the maximum (with
 * `>` or `>=` filters alike) and loses none. As soon as one value goes down, the order is unknown
 * and no checkpoint is offered until the stream completes. A checkpoint never goes below the saved
 * cursor. At completion the state is the largest value seen (never below the saved cursor).
 * Values that are not strings or numbers (null, missing) are ignored.
 */
export class CursorTracker {
  readonly #get: PathGetter;
  #max: CursorValue | undefined;
  #belowMax: CursorValue | undefined;
  #ordered = true;

  /**
   * @param cursorField dot path of the cursor in each record.
   * @param saved the cursor the run started from (undefined on a first or full-refresh run).
   */
  constructor(
    cursorField: string,
    readonly saved: CursorValue | undefined,
  ) {
    this.#get = compilePath(cursorField);
  }

  /** Looks at one page's records (call once per page, in order). */
  observe(records: readonly unknown[]): void {
    const get = this.#get;
    let max = this.#max;
    let belowMax = this.#belowMax;
    let ordered = this.#ordered;
    for (let i = 0; i < records.length; i += 1) {
      const value = get(records[i]);
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      if (max === undefined) {
        max = value;
        continue;
      }
      const order = compareCursorValues(value, max);
      if (order > 0) {
        belowMax = max;
        max = value;
      } else if (order < 0) {
        ordered = false;
      }
    }
    this.#max = max;
    this.#belowMax = belowMax;
    this.#ordered = ordered;
  }

  /** The largest value seen so far (ignoring the saved cursor). */
  get maxSeen(): CursorValue | undefined {
    return this.#max;
  }

  /** A value safe to save before the stream completes (see the class doc), or `undefined`. */
  checkpoint(): CursorValue | undefined {
    if (!this.#ordered || this.#belowMax === undefined) return undefined;
    if (this.saved !== undefined && compareCursorValues(this.#belowMax, this.saved) <= 0) return undefined;
    return this.#belowMax;
  }

  /** The state when the stream has completed: the largest of the saved cursor and all values seen. */
  final(): CursorValue | undefined {
    return maxCursorValue(this.saved, this.#max);
  }
}
