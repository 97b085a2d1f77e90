import { describe, expect, it } from 'vitest';
import { hasExpired, isDueForRenewal, renewalWindowMs } from './renewal-window.js';

const issued = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(issued.getTime() + seconds * 1000);

describe('renewal window', () => {
  it('counts a lifetime under 1 s (expires_in 0 or 0.5) as unknown: never due, never expired', () => {
    for (const lifetime of [0, 0.5, 0.999]) {
      const session = { issuedAt: issued, expiresAt: at(lifetime) };
      expect(isDueForRenewal(session, at(0), 60)).toBe(false);
      expect(isDueForRenewal(session, at(3600), 60)).toBe(false);
      expect(hasExpired(session, at(3600))).toBe(false);
    }
    expect(isDueForRenewal({ issuedAt: issued, expiresAt: at(1) }, at(1), 60)).toBe(true);
  });

  it('is refresh_before for a long-lived token', () => {
    const session = { issuedAt: issued, expiresAt: at(3600) };
    expect(renewalWindowMs(session, 60)).toBe(60_000);
    expect(isDueForRenewal(session, at(3539), 60)).toBe(false);
    expect(isDueForRenewal(session, at(3540), 60)).toBe(true);
  });

  it('is half the lifetime when the token lives shorter than refresh_before', () => {
    const session = { issuedAt: issued.toISOString(), expiresAt: at(30).toISOString() };
    expect(renewalWindowMs(session, 60)).toBe(15_000);
    expect(isDueForRenewal(session, at(14), 60)).toBe(false);
    expect(isDueForRenewal(session, at(15), 60)).toBe(true);
  });

  it('defaults refresh_before to 60 s and falls back to it without issuedAt', () => {
    expect(renewalWindowMs({ expiresAt: at(3600) })).toBe(60_000);
  });

  it('never makes a session without expiry due', () => {
    expect(isDueForRenewal({ issuedAt: issued }, at(10 ** 9))).toBe(false);
    expect(hasExpired({}, at(10 ** 9))).toBe(false);
  });

  it('knows when a session has expired', () => {
    expect(hasExpired({ expiresAt: at(10) }, at(9))).toBe(false);
    expect(hasExpired({ expiresAt: at(10) }, at(10))).toBe(true);
  });
});
