/**
 * `stream_defaults:` (DESIGN.md section 13): a top-level mapping of stream keys (any but `name`)
 * deep-merged under every stream before validation. Mappings merge key by key, the stream's own
 * value winning; lists and scalars are replaced whole.
 *
 * Problems found in a merged stream are reported where the offending value was written: a value
 * that came from `stream_defaults` at its place there (naming the first stream that uses it), a
 * value the stream wrote, or a mapping built from both, at the stream.
 */
import type { PathSegment } from '../schema/json-path.js';
import type { Report } from './report.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `defaults` under `own`: mappings merged recursively, `own` winning; anything else is `own`'s. */
export function mergeUnder(defaults: unknown, own: unknown): unknown {
  if (own === undefined) return structuredClone(defaults);
  if (!isMapping(defaults) || !isMapping(own)) return own;
  const merged: Mapping = {};
  for (const key of Object.keys(defaults)) merged[key] = mergeUnder(defaults[key], own[key]);
  for (const key of Object.keys(own)) if (!(key in merged)) merged[key] = own[key];
  return merged;
}

/** True when the value at `rest` of a merged stream came from the defaults alone (the stream wrote nothing there). */
function cameFromDefaults(own: unknown, rest: readonly PathSegment[]): boolean {
  let node = own;
  for (const segment of rest) {
    if (!isMapping(node)) return false;
    if (!(String(segment) in node)) return true;
    node = node[String(segment)];
  }
  return false;
}

/**
 * Merges `value.stream_defaults` under each of `value.streams` in place and returns a report that
 * sends problems about defaulted values to their place in `stream_defaults`. Without
 * `stream_defaults` (or with one that is not a mapping: the schema reports that) `report` is
 * returned as it is.
 */
export function applyStreamDefaults(value: Mapping, report: Report): Report {
  const defaults = value.stream_defaults;
  if (!isMapping(defaults) || !Array.isArray(value.streams)) return report;
  if ('name' in defaults) {
    report(['stream_defaults', 'name'], '`name` cannot be a default; each stream names itself', { target: 'key' });
  }
  const { name: _name, ...shared } = defaults;
  const owns: unknown[] = value.streams.map((stream: unknown) => stream);
  value.streams = value.streams.map((stream: unknown) => (isMapping(stream) ? mergeUnder(shared, stream) : stream));
  const reported = new Set<string>();
  return (segments, message, options) => {
    if (segments[0] !== 'streams' || typeof segments[1] !== 'number' || segments.length < 3) return report(segments, message, options);
    const index = segments[1];
    const own = owns[index];
    const rest = segments.slice(2);
    if (!isMapping(own) || !cameFromDefaults(own, rest)) return report(segments, message, options);
    const key = `${JSON.stringify(rest)}\u0000${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    const name = typeof own.name === 'string' ? `\`${own.name}\`` : `streams[${index}]`;
    report(['stream_defaults', ...rest], `${message} (merged into stream ${name})`, options);
  };
}
