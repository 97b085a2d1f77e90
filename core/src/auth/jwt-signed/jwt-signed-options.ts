/** The jwt_signed scheme's options (schemas/auth/jwt_signed.json), as the scheme reads them. */

/** The JWS algorithms the scheme signs with. */
export type JwtSignedAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** How the `signing_key` secret holds an HMAC key. */
export type KeyEncoding = 'utf8' | 'hex' | 'base64';

/** How requests carry the JWT, as written (templates reading `session.token`). */
export interface JwtSignedApplyTemplate {
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface JwtSignedOptions {
  alg: JwtSignedAlgorithm;
  /** As written: templates reading `config` and `secrets`. */
  claims: Record<string, unknown>;
  kid?: string;
  header?: Record<string, unknown>;
  /** Seconds from `iat` to `exp`. */
  lifetime: number;
  key_encoding: KeyEncoding;
  key_id_separator?: string;
  apply: JwtSignedApplyTemplate;
}

/** The default `apply`: the JWT as a Bearer credential. */
export const DEFAULT_JWT_SIGNED_APPLY: JwtSignedApplyTemplate = { headers: { Authorization: 'Bearer {{ session.token }}' } };

/** The secret holding the HMAC key (HS256/384/512). */
export const SIGNING_KEY_SECRET = 'signing_key';
/** The secret holding the PEM private key (every other algorithm). */
export const PRIVATE_KEY_SECRET = 'private_key';

/** True for HS256, HS384 and HS512. */
export function isHmacAlgorithm(alg: unknown): boolean {
  return typeof alg === 'string' && /^HS(256|384|512)$/.test(alg);
}

/** The secret the algorithm signs with. */
export function keySecretFor(alg: unknown): typeof SIGNING_KEY_SECRET | typeof PRIVATE_KEY_SECRET {
  return isHmacAlgorithm(alg) ? SIGNING_KEY_SECRET : PRIVATE_KEY_SECRET;
}

/** `ctx.options` with the defaults a host that skipped the schema would miss. */
export function readJwtSignedOptions(options: Record<string, unknown>): JwtSignedOptions {
  const given = options as Partial<JwtSignedOptions>;
  return {
    ...given,
    alg: given.alg ?? ('' as JwtSignedAlgorithm),
    claims: given.claims ?? {},
    lifetime: given.lifetime ?? 300,
    key_encoding: given.key_encoding ?? 'utf8',
    apply: given.apply ?? DEFAULT_JWT_SIGNED_APPLY,
  };
}
