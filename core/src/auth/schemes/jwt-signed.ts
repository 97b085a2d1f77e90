/**
 * The `jwt_signed` scheme (DESIGN.md section 12): a JWT the scheme signs itself is the credential
 * (App Store Connect's ES256 token, Ghost's Admin API token). Its claims, `kid` and header are
 * templates over the connection's config and secrets; `iat` and `exp` (`iat` + `lifetime`) are
 * added unless the claims set them. The session expires at `exp`, so the runtime signs a new JWT
 * within the renewal window, and after a 401.
 */
import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type OutgoingRequest, type SecretSpec, type Session } from '../../plugin-api.js';
import { toText } from '../../templates/filters.js';
import { isHmacAlgorithm, keySecretFor, PRIVATE_KEY_SECRET, readJwtSignedOptions, SIGNING_KEY_SECRET } from '../jwt-signed/jwt-signed-options.js';
import { readSigningKey } from '../jwt-signed/read-signing-key.js';
import { signJwtSignedToken } from '../jwt-signed/sign-jwt-signed-token.js';
import { renderSchemeTemplates, type SchemeTemplateValues } from '../render-scheme-templates.js';

/** The secret a JWT is signed with, by the algorithm; `optional` for a connection whose options say nothing. */
export const JWT_SIGNED_SECRETS: SecretSpec[] = [
  {
    name: SIGNING_KEY_SECRET,
    description: "The HMAC key, for HS256/384/512 (as key_encoding says; Ghost's Admin API key `id:secret` with key_id_separator).",
  },
  { name: PRIVATE_KEY_SECRET, description: "The PEM private key, for RS*, PS*, ES* and EdDSA (App Store Connect's .p8 file)." },
];

/** The secret a connection with these options signs with. */
export function jwtSignedSecretsFor(options: Record<string, unknown>): SecretSpec[] {
  const name = keySecretFor(options.alg);
  return JWT_SIGNED_SECRETS.filter((spec) => spec.name === name).map((spec) => ({ ...spec, optional: false }));
}

const ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Signs a new JWT at `ctx.now()`; the session lives until its `exp`. */
export async function authenticateJwtSigned(ctx: AuthContext): Promise<Session> {
  const options = readJwtSignedOptions(ctx.options);
  if (!ALGORITHMS.includes(options.alg)) {
    throw new AuthError(`The alg ${JSON.stringify(toText(options.alg))} of ${ctx.connector} is not supported; use one of ${ALGORITHMS.join(', ')}.`);
  }
  if (!isHmacAlgorithm(options.alg) && (options.key_id_separator !== undefined || options.key_encoding !== 'utf8')) {
    throw new AuthError(`The key_encoding and key_id_separator of ${ctx.connector} are for HS256, HS384 and HS512; ${options.alg} signs with a PEM private key.`);
  }
  const key = readSigningKey(ctx.secrets, options, ctx.connector);
  const signed = await signJwtSignedToken(options, key, { config: ctx.config, secrets: ctx.secrets }, ctx.now(), ctx.connector);
  return { secrets: { jwt_signed_token: signed.token }, issuedAt: signed.issuedAt, expiresAt: signed.expiresAt };
}

/** Puts the JWT on a request as `apply` says; an entry that renders empty is left out. */
export function applyJwtSigned(request: OutgoingRequest, session: Session, ctx: AuthContext): void {
  const options = readJwtSignedOptions(ctx.options);
  const values: SchemeTemplateValues = {
    config: ctx.config,
    secrets: { ...ctx.secrets, ...session.secrets },
    session: { token: session.secrets.jwt_signed_token ?? '' },
    now: () => ctx.now(),
  };
  const rendered = renderSchemeTemplates(options.apply, values, `${ctx.connector} auth.apply`);
  for (const [name, value] of Object.entries(rendered.headers ?? {})) if (toText(value) !== '') request.headers[name] = toText(value);
  for (const [name, value] of Object.entries(rendered.query ?? {})) if (toText(value) !== '') request.url.searchParams.set(name, toText(value));
}

/** A self-signed JWT as the bearer, renewed before it expires. */
export const jwtSignedScheme = defineAuthScheme({
  name: 'jwt_signed',
  apiVersion: 1,
  description:
    'A JWT the scheme signs itself (claims templated; HS256/384/512 with signing_key, RS/PS/ES/EdDSA with the PEM private_key), sent as Authorization: Bearer or as apply says, signed again before it expires.',
  options: loadSchema('auth/jwt_signed.json'),
  requiredSecrets: JWT_SIGNED_SECRETS,
  requiredSecretsFor: jwtSignedSecretsFor,
  injectedSecrets: [{ name: 'jwt_signed_token' }],
  templatedOptions: {
    claims: ['config', 'secrets'],
    kid: ['config', 'secrets'],
    header: ['config', 'secrets'],
    apply: ['config', 'secrets', 'session'],
  },
  authenticate: authenticateJwtSigned,
  apply: applyJwtSigned,
});
