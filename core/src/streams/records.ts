import { HttpError, ManifestError } from '../errors.js';

/**
 * Dot paths into JSON bodies (DESIGN.md section 8 "Record paths"): `values`, `paging.next.after`,
 * `items[0].id`, and keys that hold a dot in brackets: `'["odata.nextLink"]'`, `a["x.y"].b`.
 * Paths are parsed once into a getter; the getter does no parsing.
 */

/** A compiled dot path: reads the value it names, or `undefined` when any step is missing. */
export type PathGetter = (value: unknown) => unknown;

/**
 * Splits a dot path into its steps: names (strings) and array indexes (numbers).
 * An empty path is the value itself (no steps).
 * @throws ManifestError when the path does not parse (unclosed bracket, empty name).
 */
export function parsePath(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new ManifestError(`The path "${path}" does not parse: ${why}.`);
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      const quote = path[i + 1];
      if (quote === '"' || quote === "'") {
        const end = path.indexOf(`${quote}]`, i + 2);
        if (end < 0) fail(`unclosed bracket at character ${i + 1}`);
        steps.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = path.indexOf(']', i + 1);
        if (end < 0) fail(`unclosed bracket at character ${i + 1}`);
        const inner = path.slice(i + 1, end).trim();
        if (!/^\d+$/.test(inner)) fail(`a bracket holds a number or a quoted name, not "${inner}"`);
        steps.push(Number(inner));
        i = end + 1;
      }
      if (i < path.length && path[i] === '.') {
        i += 1;
        if (i >= path.length) fail('it ends with a dot');
      }
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
    const name = path.slice(i, end);
    if (name === '') fail(`an empty name at character ${i + 1}`);
    steps.push(name);
    i = end;
    if (path[i] === '.') {
      i += 1;
      if (i >= path.length) fail('it ends with a dot');
    }
  }
  return steps;
}

/** Compiles a dot path into a {@link PathGetter}. `undefined` or `""` gives the identity. */
export function compilePath(path: string | undefined): PathGetter {
  if (path === undefined || path === '') return (value) => value;
  const steps = parsePath(path);
  if (steps.length === 1) {
    const only = steps[0]!;
    return (value) => (value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[only] : undefined);
  }
  return (value) => {
    let current = value;
    for (const step of steps) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string | number, unknown>)[step];
    }
    return current;
  };
}

/** Reads the value at a dot path, or `undefined`. Parses the path each call: prefer {@link compilePath}. */
export function getPath(value: unknown, path: string | undefined): unknown {
  return compilePath(path)(value);
}

/** Where a records array was looked for, for error messages. */
export interface RecordsLocation {
  /** The stream's name. */
  stream: string;
  /** The `records` path, if any. */
  path?: string;
  /** The request URL, already redacted (no query values). */
  url?: string;
}

/** Extracts records from a parsed body with a compiled getter; see {@link extractRecords}. */
export function extractRecordsWith(body: unknown, getter: PathGetter, where: RecordsLocation): unknown[] {
  const found = getter(body);
  if (Array.isArray(found)) return found;
  const what = found === undefined ? 'nothing' : found === null ? 'null' : typeof found === 'object' ? 'an object' : `a ${typeof found}`;
  const at = where.path ? `at "${where.path}"` : 'as its body';
  const from = where.url ? ` from ${where.url}` : '';
  throw new HttpError(`Stream "${where.stream}": the response${from} holds ${what} ${at}, not an array of records.`, {
    code: 'ERR_RECORDS',
    ...(where.url ? { url: where.url } : {}),
  });
}

/**
 * The records of one page: the array at `path` in `body` (the body itself when `path` is omitted).
 * @throws HttpError (code `ERR_RECORDS`) naming the stream and path when that is not an array.
 */
export function extractRecords(body: unknown, path: string | undefined, where: RecordsLocation): unknown[] {
  return extractRecordsWith(body, compilePath(path), { ...where, ...(path ? { path } : {}) });
}

/** The manifest's `primary_key` (a string or a list) as Singer `key_properties`. */
export function normalizePrimaryKey(primaryKey: string | readonly string[] | undefined): string[] {
  if (primaryKey === undefined) return [];
  return typeof primaryKey === 'string' ? [primaryKey] : [...primaryKey];
}
