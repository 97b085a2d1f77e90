import { describe, expect, it } from 'vitest';
import { computeRetryDelay, isRetryableErrorCode, isRetryableStatus, parseRetryAfter, resolveRetryPolicy } from './retry.js';

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx only', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [200, 301, 400, 401, 403, 404, 409, 422, 600]) expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('isRetryableErrorCode', () => {
  it('retries network failures, not other codes', () => {
    expect(isRetryableErrorCode('ECONNRESET')).toBe(true);
    expect(isRetryableErrorCode('ETIMEDOUT')).toBe(true);
    expect(isRetryableErrorCode('ERR_AUTH')).toBe(false);
    expect(isRetryableErrorCode(undefined)).toBe(false);
  });
});

describe('computeRetryDelay', () => {
  const top = () => 0.999999;
  it('doubles from 0.5 s up to 8 s with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => computeRetryDelay(attempt, { random: top }))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(computeRetryDelay(3, { random: () => 0.5 })).toBe(1000);
  });
  it('never returns 0, which would stop got retrying', () => {
    expect(computeRetryDelay(1, { random: () => 0 })).toBe(1);
  });
  it('honours max_delay', () => {
    expect(computeRetryDelay(5, { random: top, maxDelayMs: 2000 })).toBe(2000);
  });
  it('uses Retry-After as it is, cut to 60 s', () => {
    expect(computeRetryDelay(1, { retryAfter: 3000, random: top })).toBe(3000);
    expect(computeRetryDelay(1, { retryAfter: 120_000 })).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['2'], now)).toBe(2000);
  });
  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('resolveRetryPolicy', () => {
  it('maps the manifest seconds onto defaults', () => {
    expect(resolveRetryPolicy()).toEqual({ limit: 5, maxDelayMs: 8000 });
    expect(resolveRetryPolicy({ limit: 2, max_delay: 1.5 })).toEqual({ limit: 2, maxDelayMs: 1500 });
  });
});
