/**
 * Flag and argument values that name a file, folder or package: an empty value (`--output ""`)
 * or one holding control characters (a pasted newline) is a usage error (exit 2) instead of being
 * ignored or reaching the file system or npm.
 */
import { UsageError } from '@connectors/core/internal/errors.js';

/** Why `value` cannot name a path or package, or undefined when it can. */
export function describeBadPathValue(value: string): string | undefined {
  if (value.trim() === '') return 'must not be empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return `must not hold control characters (got ${JSON.stringify(value)})`;
  return undefined;
}

/**
 * Throws a `UsageError` naming the first of `values` (`{'--output': flags.output}`) that is given
 * but cannot name a path or package.
 */
export function checkPathValues(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const why = describeBadPathValue(value);
    if (why) throw new UsageError(`${name} ${why}.`);
  }
}
