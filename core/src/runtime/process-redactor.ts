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
