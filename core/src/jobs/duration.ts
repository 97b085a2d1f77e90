/** Durations of command-line flags (`--lease 10s`, `90s`, `15m`, `1h`; `500ms`). */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of `text`: a whole number and a unit (ms, s, m or h).
 * @throws UsageError (exit 2) naming the flag and the value, or when it is below `minMs`.
 */
export function parseDuration(text: string, flag: string, minMs = 0): number {
  const match = /^\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) throw new UsageError(`${flag} "${text}" is not a duration: a whole number and a unit, e.g. 10s, 90s, 15m or 1h.`);
  const ms = Number(match[1]) * UNITS[match[2]!]!;
  if (ms < minMs) throw new UsageError(`${flag} ${text} is too short: at least ${minMs / 1000} s.`);
  return ms;
}
