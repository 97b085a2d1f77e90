/**
 * Redaction of secret values in any text that could be printed (DESIGN.md section 8
 * "Redaction" and "Redaction covers derived forms").
 *
 * A {@link Redactor} collects secret values and replaces each of them, and its derived forms, by
 * `***`: the value itself, its base64 and base64url forms, its URL-encoded forms (percent-encoding
 * and form-encoding), and the Basic credentials `base64(id:secret)` of every pair of values, with
 * or without form-encoding first (RFC 6749 2.3.1).
 *
 * Values shorter than {@link MIN_REDACTED_LENGTH} characters are ignored: replacing every `0` or
 * `en` in a log line would shred it and hide nothing worth hiding.
 */

/** The text that replaces a secret. */
export const REDACTED = '***';
/** Values shorter than this are not redacted (they would match everywhere). */
export const MIN_REDACTED_LENGTH = 4;

/** `application/x-www-form-urlencoded` encoding of one value (spaces as `+`). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value and the forms it takes in headers, URLs and bodies. */
export function deriveSecretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  forms.add(encodeURIComponent(value));
  forms.add(formEncode(value));
  return [...forms].filter((form) => form.length >= MIN_REDACTED_LENGTH);
}

/** The Basic credentials forms of `id:secret`: plain, and with both parts form-encoded first. */
export function deriveBasicCredentials(id: string, secret: string): string[] {
  const plain = Buffer.from(`${id}:${secret}`, 'utf8').toString('base64');
  const encoded = Buffer.from(`${formEncode(id)}:${formEncode(secret)}`, 'utf8').toString('base64');
  return [...new Set([plain, encoded])];
}

/** Collects secret values and removes them from text. */
export class Redactor {
  private readonly values = new Set<string>();
  private readonly extra = new Set<string>();
  private pattern: RegExp | undefined;
  private dirty = false;

  /**
   * Adds a secret value (ignored when shorter than {@link MIN_REDACTED_LENGTH}). Its derived
   * forms, and the Basic credentials it forms with every value added before, are redacted too.
   */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_REDACTED_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.dirty = true;
  }

  /** Adds every value of a record, e.g. a session's `secrets`. */
  addAll(values: Record<string, string | undefined> | Iterable<string>): void {
    const list = Symbol.iterator in Object(values) ? (values as Iterable<string>) : Object.values(values);
    for (const value of list) this.add(value);
  }

  /**
   * Adds an exact derived value (e.g. the credentials part of an `Authorization` header), redacted
   * as it is, without further derived forms.
   */
  addDerived(value: string | undefined): void {
    if (!value || value.length < MIN_REDACTED_LENGTH || this.extra.has(value)) return;
    this.extra.add(value);
    this.dirty = true;
  }

  /** True when at least one value is redacted. */
  get size(): number {
    return this.values.size + this.extra.size;
  }

  /** Replaces every secret value and derived form in `text` by `***`. */
  redact(text: string): string {
    const pattern = this.compile();
    if (!pattern || !text) return text;
    return text.replace(pattern, REDACTED);
  }

  private compile(): RegExp | undefined {
    if (!this.dirty) return this.pattern;
    const forms = new Set<string>(this.extra);
    const values = [...this.values];
    for (const value of values) for (const form of deriveSecretForms(value)) forms.add(form);
    for (const id of values) {
      for (const secret of values) {
        if (id !== secret) for (const form of deriveBasicCredentials(id, secret)) forms.add(form);
      }
    }
    // Longest first, so a value that contains another is replaced whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = sorted.length === 0 ? undefined : new RegExp(sorted.join('|'), 'g');
    this.dirty = false;
    return this.pattern;
  }
}
