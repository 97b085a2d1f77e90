/**
 * The client's JWT assertion for the JWT bearer grant (RFC 7523 2.1 and 3), signed with a private key.
 */
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { AuthError } from '../../errors.js';

export interface JwtAssertionOptions {
  /** `iss`, and `sub` unless {@link subject} says otherwise. */
  clientId: string;
  /** `sub` instead of the client id (a user to impersonate); `false` leaves `sub` out. */
  subject?: string | false;
  /** Further claims, e.g. Google's `scope`. */
  claims?: Record<string, unknown>;
  /** `aud`: the token endpoint URL. */
  audience: string;
  /** A PEM private key (PKCS#8 or PKCS#1 RSA, SEC1 EC, or Ed25519). */
  privateKey: string;
  now: Date;
  /** Seconds until `exp`; default 300. */
  lifetime?: number;
  /** A `kid` header, when the server needs one. */
  keyId?: string;
  /** Where the key comes from, for the error when it does not parse. */
  keyHint?: string;
}

/** The JWS algorithm for a key: RS256 for RSA, ES256/384/512 for EC by curve, EdDSA for Ed25519. */
export function selectSigningAlgorithm(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
      if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
      if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
      break;
    }
    case 'ed25519':
      return 'EdDSA';
  }
  throw new AuthError(`The private key for the JWT assertion is of an unsupported type (${key.asymmetricKeyType ?? 'unknown'}).`);
}

/**
 * Creates the assertion: `iss` = `sub` = client id (or the given `subject`), `aud` = token URL,
 * `iat`, `exp` (5 minutes later by default), a random `jti` and any further claims, signed with
 * the private key (RFC 7523 3; also the client assertion of RFC 7523 2.2).
 */
export async function createJwtAssertion(options: JwtAssertionOptions): Promise<string> {
  let key: KeyObject;
  try {
    key = createPrivateKey(options.privateKey);
  } catch {
    throw new AuthError('The private key for the JWT assertion is not a readable PEM private key.', {
      hint: options.keyHint ?? 'For grant_type jwt_bearer the client_secret secret holds the PEM private key.',
    });
  }
  const iat = Math.floor(options.now.getTime() / 1000);
  const header: { alg: string; typ: string; kid?: string } = { alg: selectSigningAlgorithm(key), typ: 'JWT' };
  if (options.keyId) header.kid = options.keyId;
  // jose is imported on first use: only jwt_bearer connections need it, and it costs start-up time.
  const { SignJWT } = await import('jose');
  const jwt = new SignJWT({ ...options.claims }).setProtectedHeader(header).setIssuer(options.clientId);
  if (options.subject !== false) jwt.setSubject(options.subject ?? options.clientId);
  return jwt
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetime ?? 300))
    .setJti(randomUUID())
    .sign(key);
}
