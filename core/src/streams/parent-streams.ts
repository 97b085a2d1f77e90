/**
 * Parent and child streams (DESIGN.md section 13): a stream with `parent: {stream, fields,
 * include}` is read once per record of its parent stream (read first, page by page, from the
 * start and without its state), with `{{ parent.<name> }}` set from the parent record's fields.
 * Runs are sequential.
 *
 * State: the child's incremental state stays its own (`bookmarks.<child>`). Every run, one per
 * parent record, starts from the child's saved cursor; the new cursor is the largest any run
 * reached, given only once the child stream has completed (no checkpoints in between), so a
 * failed or `--limit` run leaves the saved state as it was.
 */
import { UsageError } from '../errors.js';
import type { StreamDefinition } from '../manifest/types.js';
import { readWindowedStream } from './date-windows.js';
import { maxCursorValue, type CursorValue } from './incremental.js';
import { getPath } from './records.js';
import type { ReadStreamOptions, StreamEvent } from './runner.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `{{ parent.<name> }}` values of one parent record, by `parent.fields`. */
export function parentValues(child: StreamDefinition, record: unknown, index: number): Record<string, unknown> {
  const parent = child.parent!;
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(parent.fields)) {
    const value = getPath(record, field);
    if (value === undefined || value === null) {
      throw new UsageError(`Stream "${child.name}": record ${index + 1} of parent stream "${parent.stream}" has no field "${field}" (parent.fields.${name}).`);
    }
    values[name] = value;
  }
  return values;
}

/** The records of one child run with the `parent.include` fields added (the child's own field of that name is replaced). */
function includeParent(records: unknown[], include: readonly string[] | undefined, values: Record<string, unknown>): unknown[] {
  if (include === undefined || include.length === 0) return records;
  const added = Object.fromEntries(include.map((name) => [name, values[name]]));
  return records.map((record) => (isObject(record) ? { ...record, ...added } : record));
}

/**
 * Reads a stream: as {@link readWindowedStream}, or, for a stream with `parent`, once per parent
 * record (parents of parents too). Page events count across all runs.
 * @throws UsageError when the parent is not a stream of the manifest or a parent record lacks a field.
 */
export async function* readParentedStream(options: ReadStreamOptions): AsyncGenerator<StreamEvent, void, undefined> {
  const { manifest, stream, limit } = options;
  if (stream.parent === undefined) {
    yield* readWindowedStream(options);
    return;
  }
  const parentStream = manifest.streams.find((s) => s.name === stream.parent!.stream);
  if (parentStream === undefined || parentStream === stream) {
    throw new UsageError(`Stream "${stream.name}": parent stream "${stream.parent.stream}" is not another stream of connector "${manifest.name}".`);
  }
  const { parent: _ignored, ...templateValues } = options.templateValues;
  const parents = readParentedStream({ ...options, stream: parentStream, templateValues, cursor: undefined, fullRefresh: true, limit: undefined });
  let index = 0;
  let number = 0;
  let total = 0;
  let cursor: CursorValue | undefined;
  let ran = false;
  for await (const event of parents) {
    if (event.type !== 'records') continue;
    for (const record of event.records) {
      const values = parentValues(stream, record, index);
      index += 1;
      const remaining = limit === undefined ? undefined : limit - total;
      if (remaining !== undefined && remaining <= 0) return;
      let count = 0;
      const runs = readWindowedStream({ ...options, templateValues: { ...templateValues, parent: values }, limit: remaining });
      for await (const child of runs) {
        if (child.type === 'records') {
          yield { ...child, records: includeParent(child.records, stream.parent.include, values) };
        } else if (child.type === 'page') {
          number += 1;
          count = child.total;
          yield { ...child, number, total: total + child.total };
        } else if (child.final) {
          cursor = maxCursorValue(cursor, child.cursor);
        }
      }
      ran = true;
      total += count;
      if (remaining !== undefined && count >= remaining) return; // cut by --limit: not complete, no state
    }
  }
  if (stream.incremental !== undefined && ran && cursor !== undefined) {
    yield { type: 'state', stream: stream.name, cursor, final: true };
  }
}
