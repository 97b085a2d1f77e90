/**
 * When a session is due for renewal (DESIGN.md section 8, "Renewal window" and "Lifetime"): within
 * `min(refresh_before, lifetime / 2)` of its expiry, lifetime being `expiresAt - issuedAt`. A
 * session without a known expiry is never due; it is renewed only after a 401. A lifetime under
 * {@link MIN_KNOWN_LIFETIME_MS} (`expires_in: 0`, say) counts as unknown: renewing it before use
 * would cost one token request per page.
 */
import type { Session } from '../plugin-api.js';
import type { StoredSession } from '../secrets/store.js';

/** `refresh_before` when the manifest does not set it, in seconds. */
export const DEFAULT_REFRESH_BEFORE = 60;

/** The shortest lifetime that counts as known, in milliseconds. */
export const MIN_KNOWN_LIFETIME_MS = 1000;

/** The expiry as a time, unless unknown or the lifetime is under {@link MIN_KNOWN_LIFETIME_MS}. */
function knownExpiry(session: Pick<Session | StoredSession, 'expiresAt' | 'issuedAt'>): number | undefined {
  const expires = timeOf(session.expiresAt);
  const issued = timeOf(session.issuedAt);
  if (expires !== undefined && issued !== undefined && expires - issued < MIN_KNOWN_LIFETIME_MS) return undefined;
  return expires;
}

/** The effective renewal window in milliseconds. */
export function renewalWindowMs(
  session: Pick<Session | StoredSession, 'expiresAt' | 'issuedAt'>,
  refreshBeforeSeconds: number = DEFAULT_REFRESH_BEFORE,
): number {
  const window = Math.max(0, refreshBeforeSeconds * 1000);
  const expires = timeOf(session.expiresAt);
  const issued = timeOf(session.issuedAt);
  if (expires === undefined || issued === undefined) return window;
  return Math.min(window, Math.max(0, (expires - issued) / 2));
}

/** True when the session expires within its renewal window (or has expired) at `now`. */
export function isDueForRenewal(
  session: Pick<Session | StoredSession, 'expiresAt' | 'issuedAt'>,
  now: Date,
  refreshBeforeSeconds: number = DEFAULT_REFRESH_BEFORE,
): boolean {
  const expires = knownExpiry(session);
  if (expires === undefined) return false;
  return now.getTime() >= expires - renewalWindowMs(session, refreshBeforeSeconds);
}

/** True when the session has a known expiry at or before `now`. */
export function hasExpired(session: Pick<Session | StoredSession, 'expiresAt' | 'issuedAt'>, now: Date): boolean {
  const expires = knownExpiry(session);
  return expires !== undefined && now.getTime() >= expires;
}

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(time) ? undefined : time;
}
