import { afterEach, describe, expect, it } from 'vitest';
import { computeSessionExpiration } from './session-expiration.js';

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('computeSessionExpiration', () => {
  const cases: Array<[string, number, string]> = [
    ['2025-03-01T12:00:00Z', 2, '2025-03-03'],
    ['2025-03-01T00:00:00Z', 2, '2025-03-03'],
    ['2025-03-01T23:59:59.999Z', 2, '2025-03-03'],
    ['2024-12-31T23:30:00Z', 2, '2025-01-02'],
    ['2024-02-28T10:00:00Z', 2, '2024-03-01'],
    ['2025-02-28T10:00:00Z', 1, '2025-03-01'],
    // Daylight-saving changes: Europe 2025-03-30 01:00 UTC, US 2025-03-09 10:00 UTC, Europe back 2025-10-26.
    ['2025-03-30T00:30:00Z', 2, '2025-04-01'],
    ['2025-03-30T01:30:00Z', 1, '2025-03-31'],
    ['2025-03-09T09:59:00Z', 2, '2025-03-11'],
    ['2025-10-26T00:59:00Z', 2, '2025-10-28'],
  ];

  for (const tz of ['UTC', 'Europe/Oslo', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kolkata']) {
    it(`uses the UTC date whatever the host time zone (${tz})`, () => {
      process.env.TZ = tz;
      for (const [now, days, expected] of cases) {
        const { expirationDate, expiresAt } = computeSessionExpiration(new Date(now), days);
        expect(expirationDate, `${now} + ${days} in ${tz}`).toBe(expected);
        expect(expiresAt.toISOString()).toBe(`${expected}T00:00:00.000Z`);
      }
    });
  }

  it('gives a lifetime between session_days - 1 and session_days days', () => {
    process.env.TZ = 'Pacific/Kiritimati';
    for (const now of ['2025-06-15T00:00:00Z', '2025-06-15T23:59:59Z']) {
      const start = new Date(now);
      const lifetime = computeSessionExpiration(start, 2).expiresAt.getTime() - start.getTime();
      expect(lifetime).toBeGreaterThan(24 * 3600_000);
      expect(lifetime).toBeLessThanOrEqual(48 * 3600_000);
    }
  });
});
