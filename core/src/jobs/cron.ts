/**
 * Cron expressions of `connectors schedule add --cron` (DESIGN.md section 11), always in UTC:
 * five fields (minute hour day-of-month month day-of-week), six with seconds first, or one of
 * `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`. Parsed by cron-parser, the parser pg-boss uses.
 */
import cronParser from 'cron-parser';
import { UsageError } from '../errors.js';

const ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

/**
 * Checks `expression` and returns it trimmed.
 * @throws UsageError (exit 2) naming the expression when it does not parse.
 */
export function checkCron(expression: string): string {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/);
  const shaped = ALIASES.has(trimmed) || fields.length === 5 || fields.length === 6;
  let reason = shaped ? undefined : `it has ${trimmed === '' ? 'no' : fields.length} field${fields.length === 1 && trimmed !== '' ? '' : 's'}, not 5 (minute hour day month weekday) or 6 (with seconds first)`;
  if (reason === undefined) {
    try {
      cronParser.parseExpression(trimmed, { tz: 'UTC' });
    } catch (error) {
      reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    }
  }
  if (reason !== undefined) {
    throw new UsageError(`The cron expression "${expression}" does not parse: ${lowerFirst(reason)}.`, {
      hint: 'Five fields in UTC, e.g. "0 3 * * *" for 03:00 every day, or six with seconds first, e.g. "*/30 * * * * *".',
    });
  }
  return trimmed;
}

/** The first firing of `expression` (UTC) strictly after `after`. */
export function nextFiring(expression: string, after: Date): Date {
  return cronParser.parseExpression(expression, { tz: 'UTC', currentDate: after }).next().toDate();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
