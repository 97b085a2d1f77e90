/**
 * Token endpoint requests (RFC 6749 sections 4.1.3, 4.4, 5 and 6; RFC 7523 section 2.1), one
 * function per grant, and one {@link processTokenResponse} that checks the answer field by field.
 * Requests go through the runtime's HTTP client without auth (`ctx.http`), so they retry and redact
 * like every other request.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient, HttpResponse } from '../../plugin-api.js';
import { parsePath } from '../../streams/records.js';
import { lookupPath } from '../../templates/render.js';
import { applyClientAuth, type BasicEncoding, type ClientAuthMethod, type ClientCredentials } from './client-auth.js';

/**
 * Where the token answer keeps its fields (the manifest's `token_response`): dot paths, e.g.
 * Slack's user token at `authed_user.access_token`. Unset fields use the RFC 6749 names; an
 * `expires_at` (epoch seconds or ISO-8601) is read only when its path is set.
 */
export interface TokenResponsePaths {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string;
  expires_at?: string;
  token_type?: string;
}

/** How a token answer is read: its field paths, and whether `expires_in` counts seconds or milliseconds. */
export interface TokenResponseOptions {
  paths?: TokenResponsePaths;
  /** Default `s`. */
  expiresInUnit?: 's' | 'ms';
}

/** Where and how to ask for tokens. */
export interface TokenEndpoint {
  tokenUrl: string;
  /** The client's credentials; without them the request carries no client authentication. */
  client?: ClientCredentials;
  /** Defaults to client_secret_basic. */
  clientAuth?: ClientAuthMethod;
  /** Sent on every token request: audience, resource and the manifest's `token_params`. */
  extraParams?: Record<string, string>;
  /** The body's encoding: `form` (default, RFC 6749) or `json`. */
  format?: 'form' | 'json';
  /** Extra headers (the manifest's rendered `token_headers`); client authentication wins over them. */
  headers?: Record<string, string>;
  /** How client_secret_basic encodes the pair; default `form`. */
  basicEncoding?: BasicEncoding;
  /** Joins `scope`; default a space. */
  scopeSeparator?: string;
  /** How the answer is read. */
  response?: TokenResponseOptions;
}

/** A checked token answer. */
export interface TokenSet {
  accessToken: string;
  /** As the server spelled it, e.g. `Bearer`; `Bearer` when the server left it out. */
  tokenType: string;
  /** Seconds, when the server said. */
  expiresIn?: number;
  /** When the token expires, when the server said so in absolute terms (`token_response.expires_at`). */
  expiresAt?: Date;
  refreshToken?: string;
  scope?: string;
  idToken?: string;
  /** The whole answer (it holds secrets: never print it). */
  raw: Record<string, unknown>;
}

/** Header names lower-cased, so a manifest's `Accept` replaces the default `accept`. */
function lowerCaseHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * Sends one token request: a POST with the grant's parameters, extras and client auth, as a form
 * (default) or a JSON body, with the endpoint's extra headers.
 */
export async function sendTokenRequest(
  http: HttpClient,
  endpoint: TokenEndpoint,
  params: Record<string, string>,
): Promise<HttpResponse> {
  // The grant's own parameters win over token_params.
  const request = { form: { ...endpoint.extraParams, ...params }, headers: { accept: 'application/json', ...lowerCaseHeaders(endpoint.headers) } };
  if (endpoint.client) applyClientAuth(endpoint.clientAuth ?? 'client_secret_basic', endpoint.client, request, endpoint.basicEncoding);
  const body = endpoint.format === 'json' ? { json: request.form } : { form: request.form };
  return http.request({ method: 'POST', url: endpoint.tokenUrl, ...body, headers: request.headers, throwHttpErrors: false });
}

function where(response: HttpResponse): string {
  return `The token endpoint ${response.url}`;
}

/**
 * Checks a token answer: the status and the provider's `error`/`error_description` (an
 * {@link AuthError} carrying them), then `access_token`, `token_type`, `expires_in` (or
 * `expires_at`), `refresh_token`, `scope` and `id_token`, each failure naming the field and the
 * path it was read at. `options.paths` moves fields (`token_response`).
 */
export function processTokenResponse(response: HttpResponse, options: TokenResponseOptions = {}): TokenSet {
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
  const paths = options.paths ?? {};
  const pathOf = (name: keyof TokenResponsePaths): string => paths[name] ?? name;
  const read = (name: keyof TokenResponsePaths): unknown => readDotPath(json, pathOf(name));
  const field = (name: keyof TokenResponsePaths | 'scope' | 'id_token', problem: string): AuthError => {
    const at = name !== 'scope' && name !== 'id_token' && pathOf(name) !== name ? ` (at ${pathOf(name)})` : '';
    return new AuthError(`${where(response)} answered without a valid ${name}${at}: ${problem}.`, { status: response.status });
  };

  const accessToken = read('access_token');
  if (typeof accessToken !== 'string' || accessToken === '') throw field('access_token', 'it is missing or empty');
  const tokenType = read('token_type');
  if (tokenType !== undefined && tokenType !== null && typeof tokenType !== 'string') throw field('token_type', 'it is not a string');
  const tokenSet: TokenSet = { accessToken, tokenType: typeof tokenType === 'string' && tokenType !== '' ? tokenType : 'Bearer', raw: json };

  const expiresIn = read('expires_in');
  if (expiresIn !== undefined && expiresIn !== null) {
    const value = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw field('expires_in', `it is not a number of ${options.expiresInUnit === 'ms' ? 'milliseconds' : 'seconds'}`);
    tokenSet.expiresIn = options.expiresInUnit === 'ms' ? value / 1000 : value;
  }
  if (paths.expires_at !== undefined) {
    const expiresAt = read('expires_at');
    if (expiresAt !== undefined && expiresAt !== null) {
      const date = parseExpiresAt(expiresAt);
      if (!date) throw field('expires_at', 'it is neither epoch seconds nor an ISO-8601 time');
      tokenSet.expiresAt = date;
    }
  }
  const refreshToken = read('refresh_token');
  for (const [name, key, value] of [
    ['refresh_token', 'refreshToken', refreshToken],
    ['scope', 'scope', json.scope],
    ['id_token', 'idToken', json.id_token],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw field(name, 'it is not a string');
    if (value !== '') tokenSet[key] = value;
  }
  return tokenSet;
}

/** The value at a dot path (`authed_user.access_token`), own properties only; `undefined` when absent. */
export function readDotPath(root: unknown, path: string): unknown {
  return lookupPath(root, parsePath(path));
}

/** An absolute expiry: epoch seconds (a number or a string of digits) or an ISO-8601 time. */
export function parseExpiresAt(value: unknown): Date | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? new Date(value * 1000) : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return new Date(Number(value) * 1000);
  // ISO-8601 only: a date, then optionally a time with a zone.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function withScope(params: Record<string, string>, scopes: readonly string[] | undefined, endpoint: TokenEndpoint): Record<string, string> {
  if (scopes && scopes.length > 0) params.scope = scopes.join(endpoint.scopeSeparator ?? ' ');
  return params;
}

/** Sends a token request and checks its answer as the endpoint says. */
async function requestTokens(http: HttpClient, endpoint: TokenEndpoint, params: Record<string, string>): Promise<TokenSet> {
  return processTokenResponse(await sendTokenRequest(http, endpoint, params), endpoint.response);
}

/** The client_credentials grant (RFC 6749 4.4). */
export async function clientCredentialsGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { scopes?: readonly string[] } = {},
): Promise<TokenSet> {
  return requestTokens(http, endpoint, withScope({ grant_type: 'client_credentials' }, options.scopes, endpoint));
}

/**
 * The refresh_token grant (RFC 6749 6): `grant_type=refresh_token` and the refresh token, and no
 * `scope`, so the server keeps the scope granted before (DESIGN.md section 8 "Refresh requests").
 */
export async function refreshTokenGrant(http: HttpClient, endpoint: TokenEndpoint, refreshToken: string): Promise<TokenSet> {
  return requestTokens(http, endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** The authorization_code grant's token request (RFC 6749 4.1.3, with the PKCE verifier of RFC 7636). */
export async function authorizationCodeGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { code: string; redirectUri: string; codeVerifier?: string },
): Promise<TokenSet> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri };
  if (options.codeVerifier) params.code_verifier = options.codeVerifier;
  return requestTokens(http, endpoint, params);
}

/** The JWT bearer grant (RFC 7523 2.1): a signed assertion instead of a client secret. */
export async function jwtBearerGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { assertion: string; scopes?: readonly string[] },
): Promise<TokenSet> {
  const params = withScope({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: options.assertion }, options.scopes, endpoint);
  return requestTokens(http, endpoint, params);
}

/** The resource owner password credentials grant (RFC 6749 4.3): `username` and `password`. */
export async function passwordGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { username: string; password: string; scopes?: readonly string[] },
): Promise<TokenSet> {
  const params = withScope({ grant_type: 'password', username: options.username, password: options.password }, options.scopes, endpoint);
  return requestTokens(http, endpoint, params);
}

/**
 * A grant this module does not know by name (an extension grant, RFC 6749 4.5, e.g. Zoom's
 * `account_credentials`): `grant_type` as given, `scope`, and the endpoint's extras (`token_params`).
 */
export async function extensionGrant(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { grantType: string; scopes?: readonly string[] },
): Promise<TokenSet> {
  return requestTokens(http, endpoint, withScope({ grant_type: options.grantType }, options.scopes, endpoint));
}
