import { ManifestError } from '../../errors.js';

/**
 * Dot paths into a JSON answer (DESIGN.md section 8, "Record paths"): `value.token`, `data[0].id`,
 * and the bracket form for keys that hold a dot, `["odata.nextLink"]` or `a['b.c']`.
 */

/** Splits a dot path into its keys; a bracketed key is taken verbatim, a bare number indexes. */
export function parsePath(path: string): string[] {
  const keys: string[] = [];
  let index = 0;
  let current = '';
  const flush = (): void => {
    if (current !== '') keys.push(current);
    current = '';
  };
  while (index < path.length) {
    const char = path[index]!;
    if (char === '.') {
      flush();
      index += 1;
    } else if (char === '[') {
      flush();
      const quote = path[index + 1];
      if (quote === '"' || quote === "'") {
        const end = path.indexOf(`${quote}]`, index + 2);
        if (end === -1) throw new ManifestError(`The path "${path}" has an unclosed bracket; write a key with dots as ["a.b"].`);
        keys.push(path.slice(index + 2, end));
        index = end + 2;
      } else {
        const end = path.indexOf(']', index + 1);
        if (end === -1) throw new ManifestError(`The path "${path}" has an unclosed bracket; write a key with dots as ["a.b"].`);
        keys.push(path.slice(index + 1, end).trim());
        index = end + 1;
      }
    } else {
      current += char;
      index += 1;
    }
  }
  flush();
  return keys;
}

/** The value at `path` in `value`, or `undefined` when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let node: unknown = value;
  for (const key of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
