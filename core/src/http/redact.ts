/**
 * Redaction of secret values in any text that could be printed (DESIGN.md section 8
 * "Redaction" and "Redaction covers derived forms").
 *
 * A {@link Redactor} collects secret values and replaces each of them, and its derived forms, by
 * `***`: the value itself, its whitespace-collapsed and JSON-escaped forms, its base64 and base64url
 * forms, its URL-encoded forms (percent-encoding, form-encoding and what `new URL()` writes), and
 * the Basic credentials `base64(id:secret)` of every pair of values, with or without form-encoding
 * first (RFC 6749 2.3.1), plain and URL-encoded (`Basic%20<base64>`).
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

/** How the WHATWG URL serializer writes `value` in a path and in a query string (`new URL()`). */
function whatwgUrlForms(value: string): string[] {
  const url = new URL('http://x/');
  url.pathname = `/${value}`;
  const path = url.pathname.slice(1);
  url.pathname = '/';
  url.search = `?${value}`;
  return [path, url.search.slice(1)];
}

/**
 * The URL-encoded forms of a value: `encodeURIComponent`, form-encoding, `encodeURI`, what `new
 * URL()` writes in a path and in a query, and each of them with lower-case hex digits (`%2f`).
 */
export function deriveUrlEncodedForms(value: string): string[] {
  const forms = new Set<string>();
  for (const form of [encodeURIComponent(value), formEncode(value), encodeURI(value), ...whatwgUrlForms(value)]) {
    forms.add(form);
    forms.add(form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  return [...forms];
}

/** Every run of whitespace as one space: the form a value takes in a collapsed one-line text. */
function collapseWhitespace(value: string): string {
  return value.replace(/\s+/g, ' ');
}

/**
 * The value and the forms it takes in headers, URLs, bodies and shortened messages: itself, its
 * whitespace collapsed (with and without the ends trimmed), JSON-escaped, base64, base64 without
 * padding, base64url, and the URL-encoded forms of the value and of its base64.
 */
export function deriveSecretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const collapsed = collapseWhitespace(value);
  forms.add(collapsed);
  forms.add(collapsed.trim());
  forms.add(JSON.stringify(value).slice(1, -1));
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  for (const source of [value, collapsed, base64]) for (const form of deriveUrlEncodedForms(source)) forms.add(form);
  return [...forms].filter((form) => form.length >= MIN_REDACTED_LENGTH);
}

/**
 * The Basic credentials forms of `id:secret`: `base64(id:secret)`, and with both parts
 * form-encoded first (RFC 6749 2.3.1); each also without padding and URL-encoded, as it appears
 * in `Basic%20<base64>`.
 */
export function deriveBasicCredentials(id: string, secret: string): string[] {
  const plain = Buffer.from(`${id}:${secret}`, 'utf8').toString('base64');
  const encoded = Buffer.from(`${formEncode(id)}:${formEncode(secret)}`, 'utf8').toString('base64');
  const forms = new Set<string>();
  for (const credentials of [plain, encoded]) {
    forms.add(credentials);
    forms.add(credentials.replace(/=+$/, ''));
    for (const form of deriveUrlEncodedForms(credentials)) forms.add(form);
  }
  return [...forms];
}

/** Collects secret values and removes them from text. */
export class Redactor {
  private readonly values = new Set<string>();
  private readonly extra = new Set<string>();
  private pattern: RegExp | undefined;
  /** Every form redacted, longest first (built with the pattern). */
  private forms: string[] = [];
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
   * as it is and in its URL-encoded forms (`Basic%20<base64>`), without further derived forms.
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

  /**
   * Replaces a partial secret at the end of `text` by `***`: a start of a secret value or derived
   * form, at least {@link MIN_REDACTED_LENGTH} characters long, that `text` ends with, as when a
   * text was cut in the middle of a secret. Call it after {@link redact}, on the cut text.
   */
  redactPartialTail(text: string): string {
    this.compile();
    let longest = 0;
    for (const form of this.forms) {
      for (let length = Math.min(form.length - 1, text.length); length >= Math.max(MIN_REDACTED_LENGTH, longest + 1); length -= 1) {
        if (text.endsWith(form.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest === 0 ? text : `${text.slice(0, text.length - longest)}${REDACTED}`;
  }

  private compile(): RegExp | undefined {
    if (!this.dirty) return this.pattern;
    const forms = new Set<string>();
    for (const value of this.extra) {
      forms.add(value);
      for (const form of deriveUrlEncodedForms(value)) forms.add(form);
    }
    const values = [...this.values];
    for (const value of values) for (const form of deriveSecretForms(value)) forms.add(form);
    for (const id of values) {
      for (const secret of values) {
        if (id !== secret) for (const form of deriveBasicCredentials(id, secret)) forms.add(form);
      }
    }
    // Longest first, so a value that contains another is replaced whole.
    this.forms = [...forms].filter((form) => form.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
    this.pattern = this.forms.length === 0 ? undefined : new RegExp(this.forms.map(escapeRegExp).join('|'), 'g');
    this.dirty = false;
    return this.pattern;
  }
}
