/**
 * The one way to shorten a text that may hold secrets before it is printed (DESIGN.md section 8
 * "Redaction": secrets are replaced before any text is shortened or its whitespace collapsed).
 *
 * 1. redact the text as it is;
 * 2. keep the first line only, when asked;
 * 3. collapse every run of whitespace to one space, and redact again (a secret with two spaces or
 *    a line break has a collapsed form);
 * 4. cut to the length asked, never inside a `***`;
 * 5. when anything was cut, mask a partial secret the kept text ends with (the start of a secret
 *    the text held only in part).
 */
import { REDACTED, type Redactor } from './redact.js';

/** What shortening needs of a redactor. */
export type TextRedactor = Pick<Redactor, 'redact' | 'redactPartialTail'>;

/** Appended to a text that was cut. */
export const ELLIPSIS = '...';

export interface ShortenOptions {
  /** The longest result, the ellipsis included. Default: no cut. */
  maxLength?: number;
  /** Keep only the text before the first line break (after redacting the whole text). */
  firstLineOnly?: boolean;
}

/** Where to cut `text` for at most `length` characters, moved past a `***` the cut would split. */
function findCutIndex(text: string, length: number): number {
  let end = length;
  const start = text.lastIndexOf(REDACTED, end);
  if (start >= 0 && start < end && start + REDACTED.length > end) end = start + REDACTED.length;
  return end;
}

/** `text` redacted, collapsed to one line and cut, with no whole or partial secret left in it. */
export function shortenRedacted(text: string, redactor: TextRedactor | undefined, options: ShortenOptions = {}): string {
  const redact = (value: string): string => (redactor ? redactor.redact(value) : value);
  const maskTail = (value: string): string => (redactor ? redactor.redactPartialTail(value) : value);
  let result = redact(text);
  let cut = false;
  if (options.firstLineOnly) {
    const firstLine = result.split(/\r?\n/, 1)[0]!;
    cut = firstLine.length < result.trimEnd().length;
    result = firstLine;
  }
  result = redact(result.replace(/\s+/g, ' ').trim());
  const { maxLength } = options;
  if (maxLength !== undefined && result.length > maxLength) {
    const kept = result.slice(0, findCutIndex(result, Math.max(0, maxLength - ELLIPSIS.length))).trimEnd();
    return `${maskTail(kept)}${ELLIPSIS}`;
  }
  return cut ? maskTail(result) : result;
}
