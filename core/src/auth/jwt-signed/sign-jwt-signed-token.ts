/**
 * Signs the jwt_signed scheme's JWT: the claims rendered with the connection's config and secrets
 * (and `{{ now }}` at the context's clock), `iat` and `exp` added unless the claims set them, the
 * protected header of `typ: JWT`, `header`, `alg` and `kid`.
 */
import { AuthError } from '../../errors.js';
import { renderSchemeTemplates, type SchemeTemplateValues } from '../render-scheme-templates.js';
import { toText } from '../../templates/filters.js';
import type { JwtSignedOptions } from './jwt-signed-options.js';
import type { SigningKey } from './read-signing-key.js';

/** A signed JWT and the times it was made for. */
export interface SignedToken {
  token: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** A NumericDate claim (RFC 7519 2) as set in `claims`: a number, or the text of one. */
function readNumericDate(value: unknown, claim: string, connector: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new AuthError(`The claim \`${claim}\` of ${connector} (auth.claims.${claim}) must be epoch seconds, such as \`{{ now | unix }}\`.`);
  }
  return number;
}

/** Renders the claims, header and kid at `now` and signs them with `key`. */
export async function signJwtSignedToken(
  options: JwtSignedOptions,
  key: SigningKey,
  values: Pick<SchemeTemplateValues, 'config' | 'secrets'>,
  now: Date,
  connector: string,
): Promise<SignedToken> {
  const context: SchemeTemplateValues = { ...values, now: () => now };
  const claims = renderSchemeTemplates(options.claims, context, `${connector} auth.claims`);
  const iat = claims.iat === undefined ? Math.floor(now.getTime() / 1000) : readNumericDate(claims.iat, 'iat', connector);
  const exp = claims.exp === undefined ? iat + options.lifetime : readNumericDate(claims.exp, 'exp', connector);
  if (exp <= iat) throw new AuthError(`The JWT of ${connector} would expire before it is issued: \`exp\` must come after \`iat\`.`);
  const payload = { ...claims, iat, exp };

  const header: Record<string, unknown> = { typ: 'JWT', ...renderSchemeTemplates(options.header ?? {}, context, `${connector} auth.header`), alg: options.alg };
  const kid = options.kid === undefined ? '' : toText(renderSchemeTemplates(options.kid, context, `${connector} auth.kid`));
  if (kid !== '') header.kid = kid;
  else if (key.keyId !== undefined && header.kid === undefined) header.kid = key.keyId;

  // jose is imported on first use, as everywhere else: it costs start-up time.
  const { SignJWT } = await import('jose');
  let token: string;
  try {
    token = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.key);
  } catch (error) {
    throw new AuthError(`The JWT of ${connector} could not be signed with ${options.alg}: ${(error as Error).message.replace(/\.$/, '')}.`);
  }
  return { token, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}
