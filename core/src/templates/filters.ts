/**
 * The template filters. Each is a pure function of a value (and at most one literal argument);
 * none can reach code. `default` is special: it also receives a missing value. `unix` and `iso`
 * read a time: `now`, a date string or epoch seconds.
 */
import { TemplateError } from '../errors.js';

/** The names of the filters templates may use. */
export type FilterName = 'base64' | 'urlencode' | 'default' | 'unix' | 'iso';

/** How many literal arguments each filter takes: [min, max]. */
export const filterArity: Readonly<Record<FilterName, readonly [number, number]>> = {
  base64: [0, 0],
  urlencode: [0, 0],
  default: [1, 1],
  unix: [0, 0],
  iso: [0, 0],
};

/** The filter names, in the order messages list them. */
export const filterNames: readonly FilterName[] = Object.keys(filterArity) as FilterName[];

/** True for a filter name templates may use. */
export function isFilterName(name: string): name is FilterName {
  return Object.prototype.hasOwnProperty.call(filterArity, name);
}

/** The text form of a value: strings as they are, numbers and booleans via String, objects as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** `| base64`: the UTF-8 bytes of the text form, base64-encoded. */
export function base64Filter(value: unknown): string {
  return Buffer.from(toText(value), 'utf8').toString('base64');
}

/** `| urlencode`: the text form, percent-encoded as a URI component. */
export function urlencodeFilter(value: unknown): string {
  return encodeURIComponent(toText(value));
}

/** `| default(x)`: `x` when the value is missing (undefined or null), else the value. */
export function defaultFilter(value: unknown, fallback: unknown): unknown {
  return value === undefined || value === null ? fallback : value;
}

function toDate(value: unknown, filter: string): Date {
  const date =
    value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TemplateError(`Filter \`${filter}\` needs a time (\`now\`, a date string or epoch seconds), got ${JSON.stringify(toText(value))}.`, {
      code: 'ERR_TEMPLATE_VALUE',
    });
  }
  return date;
}

/** `| unix`: a time as whole epoch seconds (`{{ now | unix }}` -> `1767225600`). */
export function unixFilter(value: unknown): number {
  return Math.floor(toDate(value, 'unix').getTime() / 1000);
}

/** `| iso`: a time as ISO-8601 UTC (`{{ now | iso }}` -> `2026-01-01T00:00:00.000Z`). */
export function isoFilter(value: unknown): string {
  return toDate(value, 'iso').toISOString();
}
