import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import { authorizationCodeGrant, refreshTokenGrant, type TokenEndpoint, type TokenSet } from '../oauth/token-request.js';
import { SUPEROFFICE_PATHS } from './login-url.js';

/** The fields of a SuperOffice token answer that matter here. */
export interface SuperOfficeTokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  token_type?: string;
}

/** A grant sent to SuperOffice's token endpoint. */
export type SuperOfficeGrant =
  | { grant_type: 'refresh_token'; refresh_token: string }
  | { grant_type: 'authorization_code'; code: string; redirect_uri: string; code_verifier: string };

function toTokenResponse(tokens: TokenSet): SuperOfficeTokenResponse {
  const answer: SuperOfficeTokenResponse = { access_token: tokens.accessToken, token_type: tokens.tokenType };
  if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
  if (tokens.idToken) answer.id_token = tokens.idToken;
  if (tokens.expiresIn !== undefined && tokens.expiresIn > 0) answer.expires_in = tokens.expiresIn;
  return answer;
}

/** Restates a refused grant as one sentence that says what to do, keeping the provider's error. */
function explainRefusal(ctx: AuthContext, grantType: string, error: AuthError): AuthError {
  const refused = error.providerError !== undefined || (error.status !== undefined && (error.status < 200 || error.status > 299));
  if (!refused) return error;
  const said = [error.providerError, error.providerErrorDescription].filter(Boolean).join(': ');
  const todo =
    error.providerError === 'invalid_client'
      ? `check client_id and client_secret (connectors secrets set ${ctx.connector} client_secret)`
      : grantType === 'refresh_token'
      ? `run connectors auth login ${ctx.connector} or set a new refresh token with connectors secrets set ${ctx.connector} oauth_refresh_token`
      : 'check client_id, client_secret and the redirect URI registered for the application';
  // The hint survives the session manager's wrapping of provider errors (sessions/renew.ts).
  const options: ConstructorParameters<typeof AuthError>[1] = { cause: error, hint: `${todo[0]!.toUpperCase()}${todo.slice(1)}.` };
  if (error.status !== undefined) options.status = error.status;
  if (error.providerError) options.providerError = error.providerError;
  if (error.providerErrorDescription) options.providerErrorDescription = error.providerErrorDescription;
  return new AuthError(
    `SuperOffice refused the ${grantType} grant (${error.status !== undefined ? `status ${error.status}` : 'no status'}${said ? `, ${said}` : ''}); ${todo}.`,
    options,
  );
}

/**
 * POSTs one grant to `<login_url>/login/common/oauth/tokens` with client_id and client_secret in
 * the form body (client_secret_post; DESIGN.md section 8, "superoffice") through the shared
 * oauth token-request steps, which check the answer field by field.
 */
export async function requestSuperOfficeTokens(ctx: AuthContext, loginUrl: string, grant: SuperOfficeGrant): Promise<SuperOfficeTokenResponse> {
  const endpoint: TokenEndpoint = {
    tokenUrl: `${loginUrl}${SUPEROFFICE_PATHS.tokens}`,
    client: { clientId: ctx.secrets.client_id ?? '', clientSecret: ctx.secrets.client_secret ?? '' },
    clientAuth: 'client_secret_post',
  };
  try {
    const tokens =
      grant.grant_type === 'refresh_token'
        ? await refreshTokenGrant(ctx.http, endpoint, grant.refresh_token)
        : await authorizationCodeGrant(ctx.http, endpoint, { code: grant.code, redirectUri: grant.redirect_uri, codeVerifier: grant.code_verifier });
    return toTokenResponse(tokens);
  } catch (error) {
    if (error instanceof AuthError) throw explainRefusal(ctx, grant.grant_type, error);
    throw error;
  }
}
