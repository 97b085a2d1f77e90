import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636) and a state value for one authorization request. */
export interface AuthorizationSecrets {
  codeVerifier: string;
  codeChallenge: string;
  state: string;
}

/** A random 43-character verifier, its S256 challenge, and a random state. */
export function createAuthorizationSecrets(): AuthorizationSecrets {
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  return { codeVerifier, codeChallenge, state: randomBytes(16).toString('base64url') };
}
