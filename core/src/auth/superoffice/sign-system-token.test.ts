import { verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateRsaKeyPair } from './__fixtures__/keys.js';
import { formatSystemTokenTimestamp, signSystemToken } from './sign-system-token.js';

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('formatSystemTokenTimestamp', () => {
  for (const tz of ['UTC', 'Europe/Oslo', 'Pacific/Auckland', 'America/New_York']) {
    it(`formats yyyyMMddHHmm in UTC whatever the host zone (${tz})`, () => {
      process.env.TZ = tz;
      expect(formatSystemTokenTimestamp(new Date('2025-03-01T09:05:59.999Z'))).toBe('202503010905');
      expect(formatSystemTokenTimestamp(new Date('2024-12-31T23:59:00Z'))).toBe('202412312359');
      expect(formatSystemTokenTimestamp(new Date('2025-03-30T01:30:00Z'))).toBe('202503300130');
      expect(formatSystemTokenTimestamp(new Date('2025-01-02T00:00:00Z'))).toBe('202501020000');
    });
  }
});

describe('signSystemToken', () => {
  it('appends the timestamp and a base64 RSA-SHA256 (PKCS#1 v1.5) signature of "<token>.<timestamp>"', () => {
    const pair = generateRsaKeyPair();
    const signed = signSystemToken('SYS-abc.def', pair.privateKey, new Date('2025-03-01T12:34:56Z'));
    const lastDot = signed.lastIndexOf('.');
    const data = signed.slice(0, lastDot);
    const signature = signed.slice(lastDot + 1);
    expect(data).toBe('SYS-abc.def.202503011234');
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(verify('sha256', Buffer.from(data), pair.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from('SYS-abc.def.202503011235'), pair.publicKey, Buffer.from(signature, 'base64'))).toBe(false);
  });
});
