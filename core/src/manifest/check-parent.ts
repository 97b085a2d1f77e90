/**
 * Parent and child streams (`parent: {stream, fields, include}`, DESIGN.md section 13): the
 * parent names another stream of the manifest, no chain of parents comes back to a stream, and
 * each `include` name is one of `fields`.
 */
import { suggest } from '../schema/suggest.js';
import type { Report } from './report.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reports every stream's bad `parent`. */
export function checkParent(manifest: Obj, report: Report): void {
  if (!Array.isArray(manifest.streams)) return;
  const streams = manifest.streams.filter(isObject);
  const names = streams.map((s) => s.name).filter((n): n is string => typeof n === 'string');
  const parentOf = new Map<string, string>();
  for (const stream of streams) {
    if (typeof stream.name === 'string' && isObject(stream.parent) && typeof stream.parent.stream === 'string') parentOf.set(stream.name, stream.parent.stream);
  }
  manifest.streams.forEach((stream, i) => {
    if (!isObject(stream) || !isObject(stream.parent)) return;
    const at = ['streams', i, 'parent'];
    const parent = stream.parent;
    if (typeof parent.stream === 'string') {
      if (parent.stream === stream.name) {
        report([...at, 'stream'], `stream "${parent.stream}" cannot be its own parent`);
      } else if (!names.includes(parent.stream)) {
        const close = suggest(parent.stream, names);
        report([...at, 'stream'], `parent stream "${parent.stream}" is not a stream of this manifest${close ? `; did you mean "${close}"?` : `; its streams are: ${names.join(', ')}`}`);
      } else if (typeof stream.name === 'string') {
        const chain = [stream.name];
        let next: string | undefined = parent.stream;
        while (next !== undefined && !chain.includes(next)) {
          chain.push(next);
          next = parentOf.get(next);
        }
        if (next === stream.name) report([...at, 'stream'], `parent streams form a cycle: ${[...chain, next].join(' -> ')}`);
      }
    }
    if (Array.isArray(parent.include) && isObject(parent.fields)) {
      const fields = Object.keys(parent.fields);
      parent.include.forEach((name, j) => {
        if (typeof name === 'string' && !fields.includes(name)) {
          report([...at, 'include', j], `include "${name}" is not one of parent.fields (${fields.join(', ')})`);
        }
      });
    }
  });
}
