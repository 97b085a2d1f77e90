/**
 * Why an attempt failed, as the one redacted sentence `connectors jobs list` shows (DESIGN.md
 * section 11): the runtime's own message (with its hint), a system error's description, else the
 * first line of an unexpected error. No stack, no secret.
 */
import { describeSystemError } from '../describe-system-error.js';
import { ConnectorsError } from '../errors.js';
import { shortenRedactedText } from '../runtime/process-redactor.js';

export function describeJobError(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'The run was stopped; the state reached is saved.';
  if (error instanceof ConnectorsError) return shortenRedactedText(error.message, { firstLineOnly: true });
  const system = describeSystemError(error);
  if (system) return shortenRedactedText(system, { firstLineOnly: true });
  return `Unexpected error: ${shortenRedactedText(error instanceof Error ? error.message : String(error), { firstLineOnly: true })}`;
}
