/**
 * PKCE (RFC 7636) with S256, and the `state` value of the authorization request (RFC 6749 10.12).
 */
import { createHash, randomBytes } from 'node:crypto';

/** A code verifier: 32 random bytes, base64url (43 characters, RFC 7636 4.1). */
export function generateCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** The S256 code challenge of a verifier: `base64url(sha256(verifier))` (RFC 7636 4.2). */
export function calculateCodeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` value: 16 random bytes, base64url. */
export function generateState(): string {
  return randomBytes(16).toString('base64url');
}
