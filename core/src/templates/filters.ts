/**
 * The template filters. Each is a pure function of a value (and at most one literal argument);
 * none can reach code. `default` is special: it also receives a missing value.
 */

/** The names of the filters templates may use. */
export type FilterName = 'base64' | 'urlencode' | 'default';

/** How many literal arguments each filter takes: [min, max]. */
export const filterArity: Readonly<Record<FilterName, readonly [number, number]>> = {
  base64: [0, 0],
  urlencode: [0, 0],
  default: [1, 1],
};

/** True for a filter name templates may use. */
export function isFilterName(name: string): name is FilterName {
  return Object.prototype.hasOwnProperty.call(filterArity, name);
}

/** The text form of a value: strings as they are, numbers and booleans via String, objects as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
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
