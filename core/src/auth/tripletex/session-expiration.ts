/** The `expirationDate` a new Tripletex session asks for, and when we count it as expired. */
export interface SessionExpiration {
  /** `YYYY-MM-DD`: today in UTC plus `session_days`. */
  expirationDate: string;
  /**
   * 00:00 UTC of `expirationDate`. Tripletex keeps a session until the end of that date in its own
   * time zone (Europe/Oslo, UTC+1 or +2), so midnight UTC is always on the safe side.
   */
  expiresAt: Date;
}

/**
 * Computes the expiration of a session created at `now`. Pure UTC arithmetic, so the host's time
 * zone and daylight saving never shift the date.
 */
export function computeSessionExpiration(now: Date, sessionDays: number): SessionExpiration {
  const expiresAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + sessionDays));
  return { expirationDate: expiresAt.toISOString().slice(0, 10), expiresAt };
}
