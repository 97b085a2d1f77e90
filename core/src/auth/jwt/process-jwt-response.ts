import { AuthError } from '../../errors.js';
import type { HttpResponse } from '../../plugin-api.js';
import { readJwtLifetime } from './jwt-expiry.js';
import type { JwtOptions } from './jwt-options.js';
import { getPath as readPath } from '../../streams/records.js';

/** The tokens of one login or refresh answer. */
export interface JwtTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  issuedAt: Date;
}

/** Which request the answer belongs to; it picks the words and the advice of an error. */
export interface JwtStep {
  name: 'login' | 'refresh';
  connector: string;
}

interface ProviderError {
  error?: string;
  description?: string;
}

function pickText(body: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The provider's error code and description, in the OAuth spelling or webCRM's (`Error`, `ErrorDescription`). */
function readProviderError(body: unknown): ProviderError {
  if (body === null || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const found: ProviderError = {};
  const error = pickText(record, ['error', 'Error', 'code']);
  const description = pickText(record, ['error_description', 'ErrorDescription', 'message', 'Message', 'title']);
  if (error) found.error = error;
  if (description) found.description = description;
  return found;
}

function parseBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

function rejection(step: JwtStep, status: number, provider: ProviderError): AuthError {
  const said = [provider.error, provider.description].filter(Boolean).join(': ');
  const what = step.name === 'login' ? 'The jwt login with the api_key' : 'The jwt token refresh';
  const todo =
    step.name === 'login'
      ? `check the api_key secret (connectors secrets set ${step.connector} api_key)`
      : 'log in again with the api_key';
  const hint =
    step.name === 'login'
      ? `Check the api_key secret: replace it with "connectors secrets set ${step.connector} api_key".`
      : 'Log in again with the api_key.';
  // The hint survives the session manager's wrapping of provider errors (sessions/renew.ts).
  const options: ConstructorParameters<typeof AuthError>[1] = { status, hint };
  if (provider.error) options.providerError = provider.error;
  if (provider.description) options.providerErrorDescription = provider.description;
  return new AuthError(`${what} was rejected (status ${status}${said ? `, ${said}` : ''}); ${todo}.`, options);
}

function readExpiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 1 ? seconds : undefined; // under 1 s counts as unknown
}

/**
 * Checks a login or refresh answer and reads the tokens at the configured paths. A status
 * outside 2xx, or a 200 that says `IsError: true` (webCRM), is an {@link AuthError} with the
 * provider's error. Expiry comes from `expires_in` (lifetime counted from `now`), else from the
 * access token's own `exp` (lifetime from its `iat`, else from `now`).
 */
export async function processJwtTokenResponse(response: HttpResponse, options: JwtOptions, now: Date, step: JwtStep): Promise<JwtTokens> {
  const body = parseBody(response);
  if (response.status < 200 || response.status > 299) throw rejection(step, response.status, readProviderError(body));
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new AuthError(`The jwt ${step.name} answered ${response.status} with a body that is not a JSON object; check auth.${step.name === 'login' ? 'login_url' : 'refresh_url'}.`, {
      status: response.status,
    });
  }
  const record = body as Record<string, unknown>;
  if (record.IsError === true || record.isError === true) throw rejection(step, response.status, readProviderError(body));

  const accessToken = readPath(body, options.response.accessToken);
  if (typeof accessToken !== 'string' || accessToken === '') {
    const provider = readProviderError(body);
    if (provider.error || provider.description) throw rejection(step, response.status, provider);
    throw new AuthError(
      `The jwt ${step.name} answer has no access token at "${options.response.accessToken}"; set auth.response.access_token to its path.`,
      { status: response.status },
    );
  }
  const tokens: JwtTokens = { accessToken, issuedAt: now };
  const refreshToken = readPath(body, options.response.refreshToken);
  if (typeof refreshToken === 'string' && refreshToken !== '') tokens.refreshToken = refreshToken;

  const expiresIn = readExpiresIn(readPath(body, options.response.expiresIn));
  if (expiresIn !== undefined) {
    tokens.expiresAt = new Date(now.getTime() + expiresIn * 1000);
    return tokens;
  }
  const lifetime = await readJwtLifetime(accessToken);
  if (lifetime.expiresAt) {
    tokens.expiresAt = lifetime.expiresAt;
    if (lifetime.issuedAt && lifetime.issuedAt.getTime() <= now.getTime()) tokens.issuedAt = lifetime.issuedAt;
  }
  return tokens;
}
