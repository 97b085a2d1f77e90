import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { shortenRedacted } from './shorten-redacted.js';
import { createStatusError, MAX_ERROR_SUMMARY_LENGTH, toHttpError } from './to-http-error.js';

/** Every window of `size` characters of `secret`: none may be printed. */
function windowsOf(secret: string, size: number): string[] {
  const windows = new Set<string>();
  for (let start = 0; start + size <= secret.length; start += 1) windows.add(secret.slice(start, start + size));
  return [...windows];
}

function leakedWindows(text: string, secret: string, size = 6): string[] {
  return windowsOf(secret, size).filter((window) => text.includes(window));
}

const request = { method: 'GET', url: 'https://api.example.test/items' };

// Issue 9: the error body summary was collapsed and cut before it was redacted.
describe('shortenRedacted', () => {
  it('redacts a 305-character key before cutting: no prefix of it is printed', () => {
    const key = `sk_Zq${'x7QwJ'.repeat(60)}`;
    expect(key).toHaveLength(305);
    const redactor = new Redactor();
    redactor.add(key);
    const error = createStatusError(request, 403, JSON.stringify({ message: `The key ${key} is not valid for this account.` }), redactor);
    expect(error.message).toBe('GET https://api.example.test/items failed with status 403: The key *** is not valid for this account.');
    expect(leakedWindows(error.message, key)).toEqual([]);
  });

  it('redacts a secret with two spaces and line breaks, as it is and in its collapsed form', () => {
    const secret = 'Pw  with\ntwo  spaces\r\nand breaks';
    const redactor = new Redactor();
    redactor.add(secret);
    const raw = createStatusError(request, 401, JSON.stringify({ error: 'invalid_client', error_description: `Bad secret ${secret} given` }), redactor);
    expect(raw.message).toBe('GET https://api.example.test/items failed with status 401: invalid_client: Bad secret *** given.');
    const collapsedByProvider = secret.replace(/\s+/g, ' ');
    const collapsed = createStatusError(request, 401, JSON.stringify({ message: `Bad secret ${collapsedByProvider} given` }), redactor);
    expect(collapsed.message).toBe('GET https://api.example.test/items failed with status 401: Bad secret *** given.');
    const plainText = createStatusError(request, 401, `Bad secret\n${secret}\n`, redactor);
    expect(plainText.message).toBe('GET https://api.example.test/items failed with status 401: Bad secret ***.');
  });

  it('masks a partial secret the cut text ends with', () => {
    const secret = `tok_${'Hq3vP'.repeat(12)}`;
    const redactor = new Redactor();
    redactor.add(secret);
    // The provider itself echoed only the start of the secret, right where the message is cut.
    const text = `${'a'.repeat(190)} ${secret.slice(0, 40)}`;
    const short = shortenRedacted(text, redactor, { maxLength: MAX_ERROR_SUMMARY_LENGTH });
    expect(short).toBe(`${'a'.repeat(190)} ***...`);
    expect(leakedWindows(short, secret, 4)).toEqual([]);
  });

  it('never splits a *** in two, and cuts plain text with an ellipsis', () => {
    const redactor = new Redactor();
    redactor.add('secret-in-the-middle');
    const text = `${'b'.repeat(195)}secret-in-the-middle and more text after it`;
    expect(shortenRedacted(text, redactor, { maxLength: 200 })).toBe(`${'b'.repeat(195)}***...`);
    expect(shortenRedacted('c'.repeat(300), undefined, { maxLength: 200 })).toBe(`${'c'.repeat(197)}...`);
    expect(shortenRedacted('short  text\n', redactor, { maxLength: 200 })).toBe('short text');
  });

  it('keeps the first line only after redacting a secret that spans lines', () => {
    const secret = 'first-half\nsecond-half';
    const redactor = new Redactor();
    redactor.add(secret);
    expect(shortenRedacted(`failed: ${secret}\n    at frame`, redactor, { firstLineOnly: true })).toBe('failed: ***');
  });

  it('does not mask the end of an uncut text that only starts like a secret', () => {
    const redactor = new Redactor();
    redactor.add('test-api-key-value');
    expect(shortenRedacted('GET http://127.0.0.1/test', redactor, { maxLength: 200 })).toBe('GET http://127.0.0.1/test');
  });

  it('shortens network errors after redacting them too', () => {
    const key = `nk_${'Rr7tY'.repeat(60)}`;
    const redactor = new Redactor();
    redactor.add(key);
    const error = toHttpError(new Error(`connect ECONNREFUSED while sending ${key}`), request, redactor);
    expect(error.message).toBe('GET https://api.example.test/items failed: connect ECONNREFUSED while sending ***.');
  });
});
