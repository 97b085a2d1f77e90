/**
 * Reserved keys (see `reserved-keys.ts`) in a manifest or project config. A manifest's keys become
 * object keys (auth options, config properties, headers, params, bodies), so they are refused
 * everywhere and `validate` rejects what a run would silently drop.
 */
import { isReservedKey } from '../reserved-keys.js';
import type { PathSegment } from '../schema/json-path.js';
import type { Report } from './report.js';

/** Reports every reserved key anywhere in `value`, at the key. */
export function checkReservedKeys(value: unknown, report: Report, segments: PathSegment[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkReservedKeys(item, report, [...segments, index]));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const at = [...segments, key];
    if (isReservedKey(key)) {
      report(at, `\`${key}\` cannot be used as a key (JavaScript objects reserve it); rename it`, { target: 'key' });
      continue;
    }
    checkReservedKeys((value as Record<string, unknown>)[key], report, at);
  }
}
