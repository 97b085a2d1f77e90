import { inspect } from 'node:util';
import { describeSystemError, isStackOverflow } from '@connectors/core/internal/describe-system-error.js';
import { ConnectorsError, formatLocation } from '@connectors/core/internal/errors.js';
import { isDebugEnabled } from '@connectors/core/internal/log/logger.js';
import { redactText, shortenRedactedText } from '@connectors/core/internal/runtime/process-redactor.js';

interface OclifExit {
  oclif?: { exit?: number };
  code?: string;
}

/**
 * oclif's parse errors as one line: the lines up to the first blank line, "Note:" or "See more
 * help", joined (`Missing 1 required arg:` / `name  A catalog name...` -> `Missing 1 required arg:
 * name (A catalog name...)`; `Parsing --limit` / `Expected an integer...` -> one sentence).
 */
function describeOclifMessage(message: string): string {
  const parts: string[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('Note:') || line.startsWith('See more help')) {
      if (parts.length > 0) break;
      continue;
    }
    parts.push(parts.length > 0 ? line.replace(/^(\S+)\s{2,}(.+)$/, '$1 ($2)') : line);
  }
  return parts.join(parts[0]?.endsWith(':') ? ' ' : ': ').replace(/\s+/g, ' ').replace(/:\s*:/g, ':');
}

/**
 * The one line the user sees for an error, and the exit code (DESIGN.md section 7). Every text is
 * redacted before it is cut or joined into one line (DESIGN.md section 8 "Redaction"), so no part
 * of a secret survives a cut.
 */
export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof Error && error.name === 'AbortError') {
    // Ctrl-C during `run`: the streams stop between pages and the state reached is saved. Exit 1,
    // not the shell's 130: DESIGN.md section 7 promises 0, 1 or 2.
    return { line: 'Interrupted; the state reached so far is saved.', exitCode: 1 };
  }
  if (error instanceof ConnectorsError) {
    // Prefix the location only when the message does not already say where (a manifest problem
    // is `file:line:col: path: message` already) and there is a position to give.
    const location = error.location && error.location.line > 0 ? formatLocation(error.location) : undefined;
    const where = location !== undefined && !error.message.includes(location) ? `${location}: ` : '';
    const hint = error.hint ? ` ${error.hint}` : '';
    return { line: shortenRedactedText(`${where}${error.message}${hint}`), exitCode: error.exitCode };
  }
  const oclif = (error as OclifExit | undefined)?.oclif;
  if (error instanceof Error && oclif) {
    // oclif's own parse errors (unknown flag, missing argument): usage errors, exit 2.
    const message = shortenRedactedText(describeOclifMessage(redactText(error.message)));
    const unknown = /^command (\S+) not found$/.exec(message);
    if (unknown) {
      const command = unknown[1]!.replaceAll(':', ' ');
      return { line: `Unknown command \`${command}\`; run \`connectors --help\` for the commands.`, exitCode: 2 };
    }
    return { line: message, exitCode: oclif.exit ?? 2 };
  }
  const system = describeSystemError(error);
  if (system) return { line: redactText(system), exitCode: 1 };
  if (isStackOverflow(error)) {
    return {
      line: 'The input is nested too deeply to process (a response body, --state file or other JSON thousands of levels deep); nothing was saved from this step.',
      exitCode: 1,
    };
  }
  const message = shortenRedactedText(error instanceof Error ? error.message : String(error), { firstLineOnly: true });
  return { line: `Unexpected error: ${message}`, exitCode: 1 };
}

/**
 * Prints an error as one redacted sentence on stderr and exits with its code. Stacks and causes
 * only with `DEBUG=connectors*`, redacted as well.
 */
export function handleError(error: unknown): never {
  const exit = error as OclifExit | undefined;
  if (exit?.code === 'EEXIT' && typeof exit.oclif?.exit === 'number') process.exit(exit.oclif.exit);
  const { line, exitCode } = describeError(error);
  process.stderr.write(`${redactText(`Error: ${line}`)}\n`);
  if (isDebugEnabled()) process.stderr.write(`${redactText(inspect(error, { depth: 4 }))}\n`);
  process.exit(exitCode);
}
