import { sign, type KeyObject } from 'node:crypto';

const pad = (value: number): string => String(value).padStart(2, '0');

/** `yyyyMMddHHmm` in UTC, the time stamp SuperOffice expects in a signed system token. */
export function formatSystemTokenTimestamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}`;
}

/**
 * Signs `"<system_token>.<UTC yyyyMMddHHmm>"` with the partner's private key (RSA-SHA256,
 * PKCS#1 v1.5) and returns `"<system_token>.<timestamp>.<base64 signature>"`.
 */
export function signSystemToken(systemToken: string, privateKey: KeyObject, now: Date): string {
  const data = `${systemToken}.${formatSystemTokenTimestamp(now)}`;
  const signature = sign('sha256', Buffer.from(data, 'utf8'), privateKey);
  return `${data}.${signature.toString('base64')}`;
}
