import { Redactor } from '../http/redact.js';

/**
 * The redactor of this process. Every secret value the runtime resolves, and every token a
 * session holds, is added to it; the logger and the CLI's error handler pass all text through it.
 */
export const processRedactor = new Redactor();

/** Replaces every known secret value (and its encoded forms) in `text` by `***`. */
export function redactText(text: string): string {
  return processRedactor.redact(text);
}
