/**
 * Keys that JavaScript objects treat specially. A manifest's keys become object keys (auth
 * options, config properties, headers, params, bodies): `__proto__` would set a prototype instead
 * of a value (and vanish), `constructor` and `prototype` shadow built-ins. They are refused
 * everywhere, so `validate` rejects what a run would silently drop.
 */
import type { PathSegment } from '../schema/json-path.js';
import type { Report } from './report.js';

/** The keys no manifest, config file or `--config` flag may use. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** True when `key` is one of {@link RESERVED_KEYS}. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.includes(key);
}

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
