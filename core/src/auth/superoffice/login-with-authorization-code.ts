import { AuthError } from '../../errors.js';
import type { LoginContext, Session } from '../../plugin-api.js';
import { buildSuperOfficeSession } from './build-superoffice-session.js';
import { resolveLoginUrl, SUPEROFFICE_PATHS } from './login-url.js';
import { calculateCodeChallenge, generateCodeVerifier, generateState } from '../oauth/pkce.js';
import { requestSuperOfficeTokens } from './token-request.js';

/** The authorization URL: response_type code, scope, state and an S256 code challenge. */
export function buildSuperOfficeAuthorizeUrl(
  loginUrl: string,
  params: { clientId: string; redirectUri: string; scopes: string[]; state: string; codeChallenge: string },
): URL {
  const url = new URL(`${loginUrl}${SUPEROFFICE_PATHS.authorize}`);
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', params.scopes.join(' '));
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url;
}

/**
 * `connectors auth login` for SuperOffice: the authorization-code flow with PKCE and state on the
 * CLI's loopback redirect, then the same session as a refresh gives (id_token claims, ticket).
 */
export async function loginWithAuthorizationCode(ctx: LoginContext): Promise<Session> {
  const clientId = ctx.secrets.client_id;
  if (!clientId || !ctx.secrets.client_secret) {
    throw new AuthError(`The superoffice scheme needs client_id and client_secret; set them with connectors secrets set ${ctx.connector} client_id.`);
  }
  const loginUrl = resolveLoginUrl(ctx.options);
  const codeVerifier = generateCodeVerifier();
  const codeChallenge = calculateCodeChallenge(codeVerifier);
  const state = generateState();
  const scopes = Array.isArray(ctx.options.scopes) ? (ctx.options.scopes as string[]) : ['openid'];
  const url = buildSuperOfficeAuthorizeUrl(loginUrl, { clientId, redirectUri: ctx.redirectUri, scopes, state, codeChallenge });
  const callback = await ctx.authorize(url, state);
  const error = callback.get('error');
  if (error) {
    const description = callback.get('error_description') ?? undefined;
    throw new AuthError(`SuperOffice refused the authorization (${[error, description].filter(Boolean).join(': ')}); run the login again and approve the app.`, {
      providerError: error,
      ...(description ? { providerErrorDescription: description } : {}),
    });
  }
  if (callback.get('state') !== state) throw new AuthError('The authorization callback has the wrong state; run the login again.');
  const code = callback.get('code');
  if (!code) throw new AuthError('The authorization callback has no code; run the login again.');
  const tokens = await requestSuperOfficeTokens(ctx, loginUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: ctx.redirectUri,
    code_verifier: codeVerifier,
  });
  return buildSuperOfficeSession(ctx, tokens, tokens.refresh_token);
}
