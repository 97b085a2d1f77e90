/**
 * Token endpoint requests (RFC 6749 sections 4.1.3, 4.4, 5 and 6; RFC 7523 section 2.1), one
 * function per grant, and one {@link processTokenResponse} that checks the answer field by field.
 * Requests go through the runtime's HTTP client without auth (`ctx.http`), so they retry and redact
 * like every other request.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient, HttpResponse } from '../../plugin-api.js';
import { applyClientAuth, type ClientAuthMethod, type ClientCredentials } from './client-auth.js';

/** Where and how to ask for tokens. */
export interface TokenEndpoint {
  tokenUrl: string;
  /** The client's credentials; without them the request carries no client authentication. */
  client?: ClientCredentials;
  /** Defaults to client_secret_basic. */
  clientAuth?: ClientAuthMethod;
  /** Sent on every token request: audience, resource and the manifest's `token_params`. */
  extraParams?: Record<string, string>;
}

/** A checked token answer. */
export interface TokenSet {
  accessToken: string;
  /** As the server spelled it, e.g. `Bearer`; `Bearer` when the server left it out. */
  tokenType: string;
  /** Seconds, when the server said. */
  expiresIn?: number;
  refreshToken?: string;
  scope?: string;
  idToken?: string;
  /** The whole answer (it holds secrets: never print it). */
  raw: Record<string, unknown>;
}

/** Sends one token request: a form POST with the grant's parameters, extras and client auth. */
export async function sendTokenRequest(
  http: HttpClient,
  endpoint: TokenEndpoint,
  params: Record<string, string>,
): Promise<HttpResponse> {
  // The grant's own parameters win over token_params.
  const request = { form: { ...endpoint.extraParams, ...params }, headers: { accept: 'application/json' } as Record<string, string> };
  if (endpoint.client) applyClientAuth(endpoint.clientAuth ?? 'client_secret_basic', endpoint.client, request);
  return http.request({ method: 'POST', url: endpoint.tokenUrl, form: request.form, headers: request.headers, throwHttpErrors: false });
}

function where(response: HttpResponse): string {
  return `The token endpoint ${response.url}`;
}

/**
 * Checks a token answer: the status and the provider's `error`/`error_description` (an
 * {@link AuthError} carrying them), then `access_token`, `token_type`, `expires_in`,
 * `refresh_token`, `scope` and `id_token`, each failure naming the field.
 */
export function processTokenResponse(response: HttpResponse): TokenSet {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new AuthError(`${where(response)} answered ${response.status} with a body that is not JSON.`, { status: response.status });
  }
  const json = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const ok = response.status >= 200 && response.status <= 299;
  if (!ok || typeof json?.error === 'string') {
    const error = typeof json?.error === 'string' ? json.error : undefined;
    const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
    const what = error ? `${error}${description ? ` (${description.replace(/[.\s]+$/, '')})` : ''}` : 'no OAuth error code';
    throw new AuthError(`${where(response)} refused the request with status ${response.status}: ${what}.`, {
      status: response.status,
      providerError: error,
      providerErrorDescription: description,
    });
  }
  if (!json) throw new AuthError(`${where(response)} answered with JSON that is not an object.`, { status: response.status });
  const field = (name: string, problem: string): AuthError =>
    new AuthError(`${where(response)} answered without a valid ${name}: ${problem}.`, { status: response.status });

  if (typeof json.access_token !== 'string' || json.access_token === '') throw field('access_token', 'it is missing or empty');
  if (json.token_type !== undefined && typeof json.token_type !== 'string') throw field('token_type', 'it is not a string');
  const tokenSet: TokenSet = { accessToken: json.access_token, tokenType: (json.token_type as string | undefined) ?? 'Bearer', raw: json };

  if (json.expires_in !== undefined && json.expires_in !== null) {
    const expiresIn = typeof json.expires_in === 'string' ? Number(json.expires_in) : json.expires_in;
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) throw field('expires_in', 'it is not a number of seconds');
    tokenSet.expiresIn = expiresIn;
  }
  for (const [name, key] of [
    ['refresh_token', 'refreshToken'],
    ['scope', 'scope'],
    ['id_token', 'idToken'],
  ] as const) {
    const value = json[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw field(name, 'it is not a string');
    if (value !== '') tokenSet[key] = value;
  }
  return tokenSet;
}

function withScope(params: Record<string, string>, scopes?: readonly string[]): Record<string, string> {
  if (scopes && scopes.length > 0) params.scope = scopes.join(' ');
  return params;
}

/** The client_credentials grant (RFC 6749 4.4). */
export async function clientCredentialsGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { scopes?: readonly string[] } = {},
): Promise<TokenSet> {
  return processTokenResponse(await sendTokenRequest(http, endpoint, withScope({ grant_type: 'client_credentials' }, options.scopes)));
}

/**
 * The refresh_token grant (RFC 6749 6): `grant_type=refresh_token` and the refresh token, and no
 * `scope`, so the server keeps the scope granted before (DESIGN.md section 8 "Refresh requests").
 */
export async function refreshTokenGrant(http: HttpClient, endpoint: TokenEndpoint, refreshToken: string): Promise<TokenSet> {
  return processTokenResponse(await sendTokenRequest(http, endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken }));
}

/** The authorization_code grant's token request (RFC 6749 4.1.3, with the PKCE verifier of RFC 7636). */
export async function authorizationCodeGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { code: string; redirectUri: string; codeVerifier?: string },
): Promise<TokenSet> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri };
  if (options.codeVerifier) params.code_verifier = options.codeVerifier;
  return processTokenResponse(await sendTokenRequest(http, endpoint, params));
}

/** The JWT bearer grant (RFC 7523 2.1): a signed assertion instead of a client secret. */
export async function jwtBearerGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { assertion: string; scopes?: readonly string[] },
): Promise<TokenSet> {
  const params = withScope({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: options.assertion }, options.scopes);
  return processTokenResponse(await sendTokenRequest(http, endpoint, params));
}
