import { AuthError } from '../../errors.js';
import type { AuthContext, Session } from '../../plugin-api.js';
import { authenticateSystemUser } from './authenticate-system-user.js';
import { readIdentityClaims, type IdentityClaims } from './identity-claims.js';
import { resolveLoginUrl } from './login-url.js';
import { parseRsaPrivateKey } from './private-key.js';
import type { SuperOfficeTokenResponse } from './token-request.js';
import { fetchSuperOfficeJwks, idTokenAudiences, verifySuperOfficeJwt } from './verify-superoffice-jwt.js';

/** The claims a previous session kept, for a refresh answer that carries no id_token. */
function previousClaims(previous?: Session): IdentityClaims | undefined {
  const values = previous?.values ?? {};
  if (typeof values.ctx !== 'string' || typeof values.webapi_url !== 'string') return undefined;
  const claims: IdentityClaims = { ctx: values.ctx, webapi_url: values.webapi_url };
  if (typeof values.system_token === 'string') claims.system_token = values.system_token;
  return claims;
}

/**
 * Turns a token answer into the session: verifies the id_token against the login server's JWKS
 * and keeps its `ctx`, `webapi_url` and `system_token` claims as values; with `system_user`
 * (default) gets the system-user ticket, whose JWT's `exp` is the session's expiry. Without it
 * the session expires with the access token.
 */
export async function buildSuperOfficeSession(
  ctx: AuthContext,
  tokens: SuperOfficeTokenResponse,
  refreshToken: string | undefined,
  previous?: Session,
): Promise<Session> {
  const loginUrl = resolveLoginUrl(ctx.options);
  const clientId = ctx.secrets.client_id ?? '';
  const clientSecret = ctx.secrets.client_secret ?? '';
  const systemUser = ctx.options.system_user !== false;
  const now = ctx.now();
  const jwks = await fetchSuperOfficeJwks(ctx, loginUrl);

  let claims: IdentityClaims | undefined;
  if (tokens.id_token) {
    const payload = await verifySuperOfficeJwt(tokens.id_token, { jwks, audiences: idTokenAudiences(clientId), now, what: 'id_token' });
    claims = readIdentityClaims(payload);
    if (!claims) throw new AuthError('The SuperOffice id_token has no ctx or webapi_url claim; check that the app requests the openid scope.');
  } else {
    claims = previousClaims(previous);
    if (!claims) throw new AuthError(`SuperOffice's token answer has no id_token; run connectors auth login ${ctx.connector} with the openid scope.`);
  }

  const secrets: Record<string, string> = {
    'SO-Apptoken': clientSecret,
    oauth_access_token: tokens.access_token,
    oauth_client_id: clientId,
    oauth_client_secret: clientSecret,
  };
  if (refreshToken) secrets.oauth_refresh_token = refreshToken;
  const values: Record<string, unknown> = { ...claims };
  const session: Session = { secrets, values, issuedAt: now };
  if (tokens.expires_in) session.expiresAt = new Date(now.getTime() + tokens.expires_in * 1000);
  if (!systemUser) return session;

  if (!claims.system_token) {
    throw new AuthError('The SuperOffice id_token has no system_token claim; let the tenant grant the app a system user, or set auth.system_user: false.');
  }
  const rsaKey = ctx.secrets.rsa_private_key;
  if (!rsaKey) {
    throw new AuthError(`The superoffice scheme needs the rsa_private_key secret for the system user; set it with connectors secrets set ${ctx.connector} rsa_private_key.`);
  }
  const ticket = await authenticateSystemUser(ctx, {
    loginUrl,
    systemToken: claims.system_token,
    contextIdentifier: claims.ctx,
    privateKey: parseRsaPrivateKey(rsaKey),
    jwks,
  });
  secrets.so_ticket = ticket.ticket;
  session.expiresAt = ticket.expiresAt;
  session.issuedAt = ticket.issuedAt;
  return session;
}
