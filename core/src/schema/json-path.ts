/** Paths into a document as segments (`['streams', 0, 'name']`) and as text (`streams[0].name`). */

export type PathSegment = string | number;

/** `['streams', 0, 'headers', 'X-Key']` -> `streams[0].headers["X-Key"]`. Empty for the document. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Splits an Ajv `instancePath` (a JSON Pointer) into segments, array indexes as numbers. */
export function parseInstancePath(pointer: string, data?: unknown): PathSegment[] {
  if (!pointer) return [];
  const segments: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}
