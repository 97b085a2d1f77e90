import { Redactor } from '../http/redact.js';
import { shortenRedacted, type ShortenOptions } from '../http/shorten-redacted.js';

/**
 * The redactor of this process. Every secret value the runtime resolves, and every token a
 * session holds, is added to it; the logger and the CLI's error handler pass all text through it.
 */
export const processRedactor = new Redactor();

/** Replaces every known secret value (and its encoded forms) in `text` by `***`. */
export function redactText(text: string): string {
  return processRedactor.redact(text);
}

/**
 * `text` redacted with this process's secrets, then shortened (see {@link shortenRedacted}): what
 * to print of a text that may hold a secret and must fit one line.
 */
export function shortenRedactedText(text: string, options: ShortenOptions = {}): string {
  return shortenRedacted(text, processRedactor, options);
}

/**
 * Adds to this process's redactor the password of every URL with credentials in `args`
 * (`postgres://user:PASSWORD@host/...`, also inside `--to=...`), as given and URL-decoded: the
 * command line may hold one (`store copy --to`), and an error about the command line itself (an
 * unknown command, an unexpected argument) would otherwise print it before any store knows it.
 */
export function addCommandLinePasswords(args: readonly string[]): void {
  for (const arg of args) {
    for (const match of arg.matchAll(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*:([^\s/@]+)@/g)) {
      const password = match[1]!;
      processRedactor.addDerived(password);
      try {
        processRedactor.addDerived(decodeURIComponent(password));
      } catch {
        // not valid percent-encoding: the form as given is redacted
      }
    }
  }
}
