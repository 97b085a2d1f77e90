/**
 * Date windows (`partition: {type: date_range}` on a stream): `validate` refuses what a run would,
 * where it can be known without running: a `step` that is not an ISO-8601 duration, a fixed
 * `start`/`end` that is not a date, and a fixed `start` after a fixed `end`.
 */
import { parseIsoDuration, parseWindowBound } from '../streams/date-windows.js';
import type { Report } from './report.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A bound without a template, or `undefined` when it is templated (known only at run time). */
const fixed = (value: unknown): string | undefined => (typeof value === 'string' && !value.includes('{{') ? value : undefined);

/** Reports every stream's bad date-window settings. */
export function checkPartition(manifest: Obj, report: Report): void {
  if (!Array.isArray(manifest.streams)) return;
  manifest.streams.forEach((stream, i) => {
    if (!isObject(stream) || !isObject(stream.partition) || stream.partition.type !== 'date_range') return;
    const partition = stream.partition;
    const at = ['streams', i, 'partition'];
    if (typeof partition.step === 'string' && parseIsoDuration(partition.step) === undefined) {
      report([...at, 'step'], `step ${JSON.stringify(partition.step)} is not an ISO-8601 duration longer than zero, such as P30D, P1M or PT12H`);
    }
    const start = fixed(partition.start);
    const end = fixed(partition.end);
    const startDate = start === undefined ? undefined : parseWindowBound(start);
    const endDate = end === undefined || end === 'now' ? undefined : parseWindowBound(end);
    if (start !== undefined && startDate === undefined) report([...at, 'start'], `start ${JSON.stringify(start)} is not a date (YYYY-MM-DD) or an ISO-8601 date-time`);
    if (end !== undefined && end !== 'now' && endDate === undefined) report([...at, 'end'], `end ${JSON.stringify(end)} is not "now", a date (YYYY-MM-DD) or an ISO-8601 date-time`);
    if (startDate !== undefined && endDate !== undefined && startDate.getTime() > endDate.getTime()) {
      report([...at, 'start'], `start ${start} is after end ${end}`);
    }
  });
}
