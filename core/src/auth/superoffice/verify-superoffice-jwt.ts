import type { JSONWebKeySet, JWTPayload } from 'jose';
import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import { SUPEROFFICE_PATHS } from './login-url.js';

/** Fetches `<login_url>/login/.well-known/jwks` through the runtime's HTTP client. */
export async function fetchSuperOfficeJwks(ctx: AuthContext, loginUrl: string): Promise<JSONWebKeySet> {
  const response = await ctx.http.request({
    url: `${loginUrl}${SUPEROFFICE_PATHS.jwks}`,
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
  let jwks: unknown;
  try {
    jwks = response.status === 200 ? JSON.parse(response.body) : undefined;
  } catch {
    jwks = undefined;
  }
  if (!jwks || typeof jwks !== 'object' || !Array.isArray((jwks as JSONWebKeySet).keys)) {
    throw new AuthError(
      `SuperOffice's key set at ${loginUrl}${SUPEROFFICE_PATHS.jwks} answered ${response.status} without a JSON Web Key Set; check auth.login_url.`,
      { status: response.status },
    );
  }
  return jwks as JSONWebKeySet;
}

/**
 * Allowed clock difference between this machine and SuperOffice's login server. The server stamps
 * `nbf` = now, so a clock a few seconds behind would otherwise reject a fresh token.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The id_token's `aud`: the client_id itself. */
export function idTokenAudiences(clientId: string): string[] {
  return [clientId];
}

/**
 * The system-user ticket JWT's `aud`: SuperOffice issues `spn:<client_id>` (its own validation
 * compares against `"spn:" + applicationId`); the bare client_id is accepted too, nothing else.
 */
export function systemUserTicketAudiences(clientId: string): string[] {
  return [`spn:${clientId}`, clientId];
}

/** What to check a SuperOffice JWT against. */
export interface SuperOfficeJwtCheck {
  jwks: JSONWebKeySet;
  /** The accepted `aud` values: the token is refused unless its `aud` is (or holds) one of them. */
  audiences: readonly string[];
  now: Date;
  /** Names the token in errors: `id_token`, `system user ticket`. */
  what: string;
}

function explain(error: unknown): string {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  const reason = (error as { reason?: string }).reason;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return `has no "${claim ?? 'unknown'}" claim`;
      return claim === 'aud' ? 'is not for this client_id (aud)' : `has an unacceptable "${claim ?? 'unknown'}" claim`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'has a signature that does not verify';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'is signed with a key that is not in the login server\'s key set';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'is not signed with RS256';
    default:
      return 'is not a valid JWT';
  }
}

/**
 * Verifies a JWT from SuperOffice's login server: RS256 signature against the JWKS, `exp`
 * (required, checked against `now` with {@link CLOCK_TOLERANCE_SECONDS}) and `aud` (one of
 * `check.audiences`). Returns the claims.
 */
export async function verifySuperOfficeJwt(token: string, check: SuperOfficeJwtCheck): Promise<JWTPayload> {
  // jose is imported on first use: only SuperOffice logins need it, and it costs start-up time.
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(check.jwks), {
      algorithms: ['RS256'],
      audience: [...check.audiences],
      currentDate: check.now,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    return payload;
  } catch (error) {
    throw new AuthError(`The SuperOffice ${check.what} ${explain(error)}; check client_id and auth.login_url (the environment).`);
  }
}
