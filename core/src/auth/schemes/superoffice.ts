import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type Session } from '../../plugin-api.js';
import { buildSuperOfficeSession } from '../superoffice/build-superoffice-session.js';
import { resolveLoginUrl } from '../superoffice/login-url.js';
import { loginWithAuthorizationCode } from '../superoffice/login-with-authorization-code.js';
import { requestSuperOfficeTokens } from '../superoffice/token-request.js';

/**
 * First session and renewal without a browser: the refresh token of the previous session (or the
 * seed secret `oauth_refresh_token`, set by the user or left by `auth login`) goes through the
 * refresh_token grant; the answer's id_token gives the tenant claims, and with `system_user` the
 * signed system token gives a fresh ticket.
 */
export async function authenticateSuperOffice(ctx: AuthContext, previous?: Session): Promise<Session> {
  if (!ctx.secrets.client_id || !ctx.secrets.client_secret) {
    throw new AuthError(`The superoffice scheme needs client_id and client_secret; set them with connectors secrets set ${ctx.connector} client_id.`);
  }
  const refreshToken = previous?.secrets.oauth_refresh_token || ctx.secrets.oauth_refresh_token;
  if (!refreshToken) {
    throw new AuthError(
      `There is no SuperOffice refresh token yet; run connectors auth login ${ctx.connector} or set one with connectors secrets set ${ctx.connector} oauth_refresh_token.`,
    );
  }
  const tokens = await requestSuperOfficeTokens(ctx, resolveLoginUrl(ctx.options), { grant_type: 'refresh_token', refresh_token: refreshToken });
  return buildSuperOfficeSession(ctx, tokens, tokens.refresh_token ?? refreshToken, previous);
}

/**
 * SuperOffice OAuth2/OIDC with the system-user ticket. Applies `Authorization: SOTicket <so_ticket>`
 * and `SO-AppToken: <client_secret>`; with `system_user: false`, `Authorization: Bearer
 * <oauth_access_token>` and `SO-AppToken`.
 */
export const superofficeScheme = defineAuthScheme({
  name: 'superoffice',
  apiVersion: 1,
  description: 'SuperOffice OAuth2/OIDC with the system-user ticket.',
  options: loadSchema('auth/superoffice.json'),
  requiredSecrets: [
    { name: 'client_id', description: 'The application id.' },
    { name: 'client_secret', description: 'The application token (client secret).' },
    { name: 'rsa_private_key', description: 'The application private key (PEM or RSA XML); needed when system_user.', optional: true },
  ],
  injectedSecrets: [
    { name: 'so_ticket' },
    { name: 'SO-Apptoken' },
    { name: 'oauth_access_token' },
    { name: 'oauth_refresh_token' },
    { name: 'oauth_client_id' },
    { name: 'oauth_client_secret' },
  ],
  authenticate: authenticateSuperOffice,
  login: loginWithAuthorizationCode,
  apply(request, session) {
    const ticket = session.secrets.so_ticket;
    request.headers.authorization = ticket ? `SOTicket ${ticket}` : `Bearer ${session.secrets.oauth_access_token}`;
    request.headers['SO-AppToken'] = session.secrets['SO-Apptoken'] ?? session.secrets.oauth_client_secret ?? '';
  },
});
