/**
 * What a login answer says: the token, its expiry, a refresh token and the values kept with the
 * session, each read at a path of `response` (a dot path into the JSON body, `""` for the whole
 * body, `headers.<name>` for a response header).
 */
import { AuthError } from '../../errors.js';
import type { HttpResponse } from '../../plugin-api.js';
import { getPath } from '../../streams/records.js';
import type { LoginResponsePaths } from './login-options.js';
import type { LoginStep } from './send-login-request.js';

/** The tokens and values of one login or refresh answer. */
export interface LoginTokens {
  token: string;
  refreshToken?: string;
  expiresAt?: Date;
  values: Record<string, unknown>;
}

const HEADER_PREFIX = 'headers.';

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The value at `path` of the answer; undefined when there is none. */
export function readResponsePath(response: HttpResponse, body: unknown, path: string): unknown {
  if (path === '') return typeof body === 'string' ? body : response.body.trim();
  if (path.startsWith(HEADER_PREFIX)) {
    const value = response.headers[path.slice(HEADER_PREFIX.length).toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }
  return getPath(body, path);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** An absolute expiry: epoch seconds, epoch milliseconds (13 digits and more) or ISO-8601. */
export function parseExpiresAt(value: unknown): Date | undefined {
  const text = asText(value);
  if (text === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const number = Number(text);
    return new Date(number >= 1e12 ? number : number * 1000);
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseSeconds(value: unknown, unit: 's' | 'ms'): number | undefined {
  const text = asText(value);
  if (text === undefined) return undefined;
  const number = Number(text);
  if (!Number.isFinite(number)) return undefined;
  const seconds = unit === 'ms' ? number / 1000 : number;
  return seconds >= 1 ? seconds : undefined; // under a second counts as unknown (DESIGN section 8)
}

/**
 * Reads the answer at the configured paths. No token at `response.token` is an
 * {@link AuthError} that names the path (never the body, which may hold secrets).
 */
export function readLoginResponse(
  response: HttpResponse,
  paths: LoginResponsePaths,
  options: { now: Date; expiresInUnit: 's' | 'ms'; tokenLifetime?: number; step: LoginStep },
): LoginTokens {
  const body = parseJson(response.body);
  const tokenPath = paths.token ?? 'access_token';
  const token = asText(readResponsePath(response, body, tokenPath));
  if (token === undefined) {
    const where = tokenPath === '' ? 'in its body' : tokenPath.startsWith(HEADER_PREFIX) ? `in the header ${tokenPath.slice(HEADER_PREFIX.length)}` : `at "${tokenPath}"`;
    throw new AuthError(
      `The ${options.step} answered ${response.status} with no token ${where}; set auth.${options.step === 'login' ? '' : 'refresh.'}response.token to where the answer holds it.`,
      { status: response.status },
    );
  }
  const tokens: LoginTokens = { token, values: {} };
  if (paths.refresh_token) {
    const refreshToken = asText(readResponsePath(response, body, paths.refresh_token));
    if (refreshToken) tokens.refreshToken = refreshToken;
  }
  const expiresIn = paths.expires_in ? parseSeconds(readResponsePath(response, body, paths.expires_in), options.expiresInUnit) : undefined;
  const expiresAt = paths.expires_at ? parseExpiresAt(readResponsePath(response, body, paths.expires_at)) : undefined;
  if (expiresAt) tokens.expiresAt = expiresAt;
  else if (expiresIn !== undefined) tokens.expiresAt = new Date(options.now.getTime() + expiresIn * 1000);
  else if (options.tokenLifetime !== undefined) tokens.expiresAt = new Date(options.now.getTime() + options.tokenLifetime * 1000);
  for (const [name, path] of Object.entries(paths.values ?? {})) {
    const value = readResponsePath(response, body, path);
    if (value !== undefined) tokens.values[name] = value;
  }
  return tokens;
}
