import type { KeyObject } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import { readSuperOfficeClaim } from './identity-claims.js';
import { SUPEROFFICE_PATHS } from './login-url.js';
import { signSystemToken } from './sign-system-token.js';
import { systemUserTicketAudiences, verifySuperOfficeJwt } from './verify-superoffice-jwt.js';

/** What the system-user login needs besides the context. */
export interface SystemUserRequest {
  loginUrl: string;
  systemToken: string;
  /** The tenant's context identifier (`ctx` claim). */
  contextIdentifier: string;
  privateKey: KeyObject;
  jwks: JSONWebKeySet;
}

/** A system-user ticket and the lifetime of the JWT it came in. */
export interface SystemUserTicket {
  ticket: string;
  expiresAt: Date;
  issuedAt: Date;
}

/**
 * The system-user login: POST `{SignedSystemToken, ApplicationToken, ContextIdentifier,
 * ReturnTokenType: "JWT"}` to `/Login/api/PartnerSystemUser/Authenticate`, verify the returned
 * JWT and read its `.../identity/ticket` claim.
 */
export async function authenticateSystemUser(ctx: AuthContext, request: SystemUserRequest): Promise<SystemUserTicket> {
  const now = ctx.now();
  const response = await ctx.http.request({
    method: 'POST',
    url: `${request.loginUrl}${SUPEROFFICE_PATHS.systemUser}`,
    json: {
      SignedSystemToken: signSystemToken(request.systemToken, request.privateKey, now),
      ApplicationToken: ctx.secrets.client_secret ?? '',
      ContextIdentifier: request.contextIdentifier,
      ReturnTokenType: 'JWT',
    },
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(response.body) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: reported below.
  }
  const token = body.Token;
  if (response.status !== 200 || body.IsSuccessful === false || typeof token !== 'string' || token === '') {
    const said = typeof body.ErrorMessage === 'string' && body.ErrorMessage !== '' ? body.ErrorMessage : undefined;
    const options: ConstructorParameters<typeof AuthError>[1] = { status: response.status };
    if (said) options.providerErrorDescription = said;
    throw new AuthError(
      `SuperOffice refused the system-user login (status ${response.status}${said ? `, ${said}` : ''}); check rsa_private_key and client_secret, and that the tenant granted the app a system user.`,
      options,
    );
  }
  const claims = await verifySuperOfficeJwt(token, {
    jwks: request.jwks,
    audiences: systemUserTicketAudiences(ctx.secrets.client_id ?? ''),
    now,
    what: 'system user ticket',
  });
  const ticket = readSuperOfficeClaim(claims, 'ticket');
  if (!ticket) throw new AuthError('The SuperOffice system user JWT has no ticket claim; check auth.login_url.');
  const issuedAt = typeof claims.iat === 'number' && claims.iat * 1000 <= now.getTime() ? new Date(claims.iat * 1000) : now;
  return { ticket, expiresAt: new Date((claims.exp as number) * 1000), issuedAt };
}
