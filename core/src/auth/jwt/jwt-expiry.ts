import type { decodeJwt } from 'jose';

/** What a token's own claims say about its lifetime. */
export interface JwtLifetime {
  /** From the `exp` claim. */
  expiresAt?: Date;
  /** From the `iat` claim. */
  issuedAt?: Date;
}

/**
 * Reads `exp` and `iat` from a JWT without verifying its signature. That is deliberate: the
 * access token is meant for the API, not for us; we hold no key to verify it with and only use
 * the claims to schedule renewal. The API checks the signature when we send it. A token that is
 * not a JWT (an opaque string) gives no lifetime.
 */
export async function readJwtLifetime(token: string): Promise<JwtLifetime> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    // Imported on first use: jose costs every command start-up time, and only jwt logins need it.
    claims = (await import('jose')).decodeJwt(token);
  } catch {
    return {};
  }
  const lifetime: JwtLifetime = {};
  if (typeof claims.exp === 'number' && Number.isFinite(claims.exp)) lifetime.expiresAt = new Date(claims.exp * 1000);
  if (typeof claims.iat === 'number' && Number.isFinite(claims.iat)) lifetime.issuedAt = new Date(claims.iat * 1000);
  return lifetime;
}
