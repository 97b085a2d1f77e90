/**
 * Keys that JavaScript objects treat specially: `obj.__proto__ = x` sets a prototype instead of a
 * value (and the key vanishes), `constructor` and `prototype` shadow built-ins. User-chosen names
 * that become object keys (manifest keys, config keys, connection names) may not be one of these.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** True when `key` is one of {@link RESERVED_KEYS}. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.includes(key);
}
