/**
 * Sessions between schemes and stores: schemes return `Date | string` times, stores keep JSON
 * (ISO-8601 strings). These functions convert both ways and compare two sessions.
 */
import { AuthError } from '../errors.js';
import type { Session } from '../plugin-api.js';
import type { StoredSession } from '../secrets/store.js';

/**
 * What a store keeps of a fresh session. `issuedAt` defaults to `now` (the time `authenticate`
 * returned); a time that does not parse is an {@link AuthError} naming the scheme.
 */
export function toStoredSession(
  session: Session,
  now: Date,
  schemeName: string,
  cookies?: unknown,
  credentials?: string,
): StoredSession {
  assertSessionShape(session, schemeName);
  const stored: StoredSession = {
    secrets: { ...session.secrets },
    savedAt: now.toISOString(),
  };
  const expiresAt = toIsoTime(session.expiresAt, 'expiresAt', schemeName);
  if (expiresAt !== undefined) stored.expiresAt = expiresAt;
  stored.issuedAt = toIsoTime(session.issuedAt, 'issuedAt', schemeName) ?? now.toISOString();
  if (session.values !== undefined) stored.values = structuredClone(session.values);
  if (cookies !== undefined) stored.cookies = cookies;
  if (credentials !== undefined) stored.credentials = credentials;
  return stored;
}

/** The session a scheme and the HTTP client use, times as `Date`s. */
export function toSession(stored: StoredSession): Session {
  const session: Session = { secrets: { ...stored.secrets } };
  if (stored.expiresAt !== undefined) session.expiresAt = new Date(stored.expiresAt);
  if (stored.issuedAt !== undefined) session.issuedAt = new Date(stored.issuedAt);
  if (stored.values !== undefined) session.values = structuredClone(stored.values);
  return session;
}

/**
 * True when two sessions hold the same credentials and expiry: how a 401 tells whether the
 * stored session is still the one that failed or another request already renewed it.
 */
export function isSameSession(a: Session | StoredSession, b: Session | StoredSession): boolean {
  return sameSecrets(a.secrets, b.secrets) && timeOf(a.expiresAt) === timeOf(b.expiresAt);
}

function sameSecrets(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return (value instanceof Date ? value : new Date(value)).getTime();
}

/** A plugin's `authenticate` may return anything: a non-object, or secrets that are not strings, is an error naming the scheme. */
function assertSessionShape(session: unknown, schemeName: string): asserts session is Session {
  const fail = (what: string): never => {
    throw new AuthError(`The auth scheme "${schemeName}" returned ${what}; authenticate must return {secrets: {<name>: string}, expiresAt?, values?}.`);
  };
  if (session === null || typeof session !== 'object' || Array.isArray(session)) fail(session === null ? 'null' : `${Array.isArray(session) ? 'an array' : typeof session} instead of a session`);
  const { secrets } = session as { secrets?: unknown };
  if (secrets === undefined) return;
  if (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets)) fail('a session whose secrets is not an object');
  const bad = Object.entries(secrets as object).find(([, value]) => typeof value !== 'string');
  if (bad) fail(`a session whose secret "${bad[0]}" is not a string`);
}

function toIsoTime(value: Date | string | undefined, field: string, schemeName: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new AuthError(`The auth scheme "${schemeName}" returned a session whose ${field} is not a valid time.`);
  }
  return date.toISOString();
}
