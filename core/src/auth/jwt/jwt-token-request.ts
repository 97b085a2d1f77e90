import { AuthError } from '../../errors.js';
import type { AuthContext, HttpRequestOptions } from '../../plugin-api.js';
import type { CredentialPlacement, JwtOptions } from './jwt-options.js';
import { processJwtTokenResponse, type JwtTokens } from './process-jwt-response.js';

/** A POST to `url` carrying one credential where `placement` says, and nothing else. */
export function buildCredentialRequest(url: string, placement: CredentialPlacement, name: string, value: string): HttpRequestOptions {
  const request: HttpRequestOptions = { method: 'POST', url, headers: { accept: 'application/json' }, throwHttpErrors: false };
  switch (placement) {
    case 'body':
      request.json = { [name]: value };
      break;
    case 'form':
      request.form = { [name]: value };
      break;
    case 'header':
      request.headers = { ...request.headers, [name]: value };
      break;
    case 'query':
      request.searchParams = { [name]: value };
      break;
  }
  return request;
}

/** Exchanges the `api_key` secret at `login_url` for tokens (DESIGN.md section 8, "jwt login"). */
export async function loginWithApiKey(ctx: AuthContext, options: JwtOptions): Promise<JwtTokens> {
  const apiKey = ctx.secrets.api_key;
  if (!apiKey) {
    throw new AuthError(`The jwt scheme needs the api_key secret; set it with connectors secrets set ${ctx.connector} api_key.`);
  }
  if (!options.loginUrl) throw new AuthError('The jwt scheme needs auth.login_url; add it to the manifest.');
  const response = await ctx.http.request(buildCredentialRequest(options.loginUrl, options.apiKeyIn, options.apiKeyName, apiKey));
  return await processJwtTokenResponse(response, options, ctx.now(), { name: 'login', connector: ctx.connector });
}

/**
 * Exchanges a refresh token at `refresh_url` for new tokens. The request carries only the
 * refresh token (DESIGN.md section 8, "jwt refresh failure"); an answer without a new refresh
 * token keeps the one sent.
 */
export async function refreshJwt(ctx: AuthContext, options: JwtOptions, refreshToken: string): Promise<JwtTokens> {
  if (!options.refreshUrl) throw new AuthError('The jwt scheme has no auth.refresh_url to refresh with; add it or let it log in again.');
  const request = buildCredentialRequest(options.refreshUrl, options.refreshTokenIn, options.refreshTokenName, refreshToken);
  const response = await ctx.http.request(request);
  const tokens = await processJwtTokenResponse(response, options, ctx.now(), { name: 'refresh', connector: ctx.connector });
  return tokens.refreshToken ? tokens : { ...tokens, refreshToken };
}
