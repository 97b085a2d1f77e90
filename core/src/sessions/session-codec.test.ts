import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { isSameSession, toSession, toStoredSession } from './session-codec.js';

const now = new Date('2030-01-01T00:00:00Z');

describe('session codec', () => {
  it('stores Date and string times as ISO strings and reads them back as Dates', () => {
    const stored = toStoredSession(
      { secrets: { t: 'v' }, expiresAt: new Date('2030-01-01T01:00:00Z'), values: { ctx: 'Cust1' } },
      now,
      'fake',
      { jar: 1 },
    );
    expect(stored).toEqual({
      secrets: { t: 'v' },
      expiresAt: '2030-01-01T01:00:00.000Z',
      issuedAt: '2030-01-01T00:00:00.000Z',
      values: { ctx: 'Cust1' },
      cookies: { jar: 1 },
      savedAt: '2030-01-01T00:00:00.000Z',
    });
    const session = toSession(stored);
    expect(session.expiresAt).toEqual(new Date('2030-01-01T01:00:00Z'));
    expect(session.issuedAt).toEqual(now);
    expect(toStoredSession({ secrets: {}, issuedAt: '2029-12-31T00:00:00+01:00' }, now, 'fake').issuedAt).toBe(
      '2029-12-30T23:00:00.000Z',
    );
  });

  it('rejects a time that does not parse', () => {
    expect(() => toStoredSession({ secrets: {}, expiresAt: 'soon' }, now, 'fake')).toThrow(AuthError);
    expect(() => toStoredSession({ secrets: {}, expiresAt: 'soon' }, now, 'fake')).toThrow(/"fake".*expiresAt/);
  });

  it('compares sessions by secrets and expiry', () => {
    const a = { secrets: { x: '1', y: '2' }, expiresAt: '2030-01-01T00:00:00.000Z' };
    expect(isSameSession(a, { secrets: { y: '2', x: '1' }, expiresAt: now })).toBe(true);
    expect(isSameSession(a, { secrets: { x: '1', y: '3' }, expiresAt: now })).toBe(false);
    expect(isSameSession(a, { secrets: { x: '1' }, expiresAt: now })).toBe(false);
    expect(isSameSession(a, { secrets: { x: '1', y: '2' } })).toBe(false);
  });
});

describe('toStoredSession with what a plugin returned', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it.each([
    [undefined, /scheme "acme" returned undefined instead of a session; authenticate must return/],
    [null, /scheme "acme" returned null;/],
    ['token', /returned string instead of a session/],
    [{ secrets: 'token' }, /returned a session whose secrets is not an object/],
    [{ secrets: { acme_token: 42 } }, /returned a session whose secret "acme_token" is not a string/],
  ])('refuses %j with an AuthError naming the scheme', (value, message) => {
    expect(() => toStoredSession(value as never, now, 'acme')).toThrow(AuthError);
    expect(() => toStoredSession(value as never, now, 'acme')).toThrow(message);
  });
});
