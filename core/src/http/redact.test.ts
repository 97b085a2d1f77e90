import { describe, expect, it } from 'vitest';
import { Redactor, deriveBasicCredentials } from './redact.js';

describe('Redactor', () => {
  it('replaces values and their base64 and URL-encoded forms', () => {
    const redactor = new Redactor();
    const secret = 'p@ss word/+=x';
    redactor.add(secret);
    const base64 = Buffer.from(secret).toString('base64');
    const text = `a ${secret} b ${base64} c ${encodeURIComponent(secret)} d ${new URLSearchParams({ s: secret })}`;
    const out = redactor.redact(text);
    expect(out).toBe('a *** b *** c *** d s=***');
  });

  it('redacts Basic credentials of id:secret, with and without form-encoding first', () => {
    const redactor = new Redactor();
    redactor.add('my client');
    redactor.add('s3cr3t&more');
    const [plain, encoded] = deriveBasicCredentials('my client', 's3cr3t&more');
    expect(plain).not.toBe(encoded);
    expect(redactor.redact(`Authorization: Basic ${plain}`)).toBe('Authorization: Basic ***');
    expect(redactor.redact(`Authorization: Basic ${encoded}`)).toBe('Authorization: Basic ***');
  });

  it('ignores values shorter than 4 characters', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    redactor.add('');
    expect(redactor.size).toBe(0);
    expect(redactor.redact('abc abcd')).toBe('abc abcd');
  });

  it('replaces a longer value whole when it contains a shorter one', () => {
    const redactor = new Redactor();
    redactor.add('token');
    redactor.add('token-with-suffix');
    expect(redactor.redact('x token-with-suffix y token')).toBe('x *** y ***');
  });

  it('picks up values added after the first use, and exact derived values', () => {
    const redactor = new Redactor();
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
    redactor.add('later-secret');
    redactor.addDerived('Basic Zm9vOmJhcg==');
    expect(redactor.redact('later-secret Basic Zm9vOmJhcg==')).toBe('*** ***');
  });

  it('escapes regular-expression characters', () => {
    const redactor = new Redactor();
    redactor.add('a.b*c(d)');
    expect(redactor.redact('a.b*c(d) aXbbc(d)')).toBe('*** aXbbc(d)');
  });

  it('is fast on a large text', () => {
    const redactor = new Redactor();
    for (let i = 0; i < 50; i += 1) redactor.add(`secret-value-${i}-${'x'.repeat(20)}`);
    const text = 'lorem ipsum dolor sit amet '.repeat(200_000) + 'secret-value-7-' + 'x'.repeat(20);
    const started = Date.now();
    const out = redactor.redact(text);
    expect(out.endsWith('***')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
