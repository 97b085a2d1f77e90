import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import { SUPEROFFICE_PATHS } from './login-url.js';

/** The fields of a SuperOffice token answer that matter here. */
export interface SuperOfficeTokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  token_type?: string;
}

/**
 * POSTs one grant to `<login_url>/login/common/oauth/tokens` with client_id and client_secret in
 * the form body (DESIGN.md section 8, "superoffice"), and checks the answer field by field.
 * Written against `ctx.http` directly: the shared oauth token-request module was not there yet.
 */
export async function requestSuperOfficeTokens(
  ctx: AuthContext,
  loginUrl: string,
  grant: Record<string, string>,
): Promise<SuperOfficeTokenResponse> {
  const response = await ctx.http.request({
    method: 'POST',
    url: `${loginUrl}${SUPEROFFICE_PATHS.tokens}`,
    form: { ...grant, client_id: ctx.secrets.client_id ?? '', client_secret: ctx.secrets.client_secret ?? '' },
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(response.body) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: handled below by the missing access_token.
  }
  const grantType = grant.grant_type ?? 'token';
  if (response.status < 200 || response.status > 299 || typeof body.error === 'string') {
    const error = typeof body.error === 'string' ? body.error : undefined;
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    const said = [error, description].filter(Boolean).join(': ');
    const todo =
      grantType === 'refresh_token'
        ? `run connectors auth login ${ctx.connector} or set a new refresh token with connectors secrets set ${ctx.connector} oauth_refresh_token`
        : 'check client_id, client_secret and the redirect URI registered for the application';
    const options: ConstructorParameters<typeof AuthError>[1] = { status: response.status };
    if (error) options.providerError = error;
    if (description) options.providerErrorDescription = description;
    throw new AuthError(`SuperOffice refused the ${grantType} grant (status ${response.status}${said ? `, ${said}` : ''}); ${todo}.`, options);
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new AuthError(`SuperOffice's token answer (status ${response.status}) has no access_token; check auth.login_url.`, {
      status: response.status,
    });
  }
  const tokens: SuperOfficeTokenResponse = { access_token: body.access_token };
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '') tokens.refresh_token = body.refresh_token;
  if (typeof body.id_token === 'string' && body.id_token !== '') tokens.id_token = body.id_token;
  const expiresIn = Number(body.expires_in);
  if (Number.isFinite(expiresIn) && expiresIn > 0) tokens.expires_in = expiresIn;
  if (typeof body.token_type === 'string') tokens.token_type = body.token_type;
  return tokens;
}
