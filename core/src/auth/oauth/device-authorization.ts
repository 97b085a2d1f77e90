/**
 * The OAuth 2.0 device authorization grant (RFC 8628), one function per step:
 * {@link deviceAuthorizationRequest} asks for a device code and a user code (section 3.1) and
 * {@link processDeviceAuthorizationResponse} checks the answer field by field (3.2);
 * {@link deviceCodeGrantRequest} polls the token endpoint once (3.4) and
 * {@link processDeviceCodeResponse} tells pending, slow_down and tokens apart (3.5);
 * {@link deviceCodeGrant} polls until the user approves, refuses, or the code expires.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient, HttpResponse } from '../../plugin-api.js';
import { applyClientAuth, type BasicEncoding, type ClientAuthMethod, type ClientCredentials } from './client-auth.js';
import { processTokenResponse, sendTokenRequest, type TokenEndpoint, type TokenResponseOptions, type TokenSet } from './token-request.js';

/** The grant type of the device access token request (RFC 8628 3.4). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** The polling interval when the server names none (RFC 8628 3.2), in seconds. */
export const DEFAULT_DEVICE_POLL_INTERVAL = 5;
/** What `slow_down` adds to the interval, for this and every later poll (RFC 8628 3.5), in seconds. */
export const SLOW_DOWN_STEP = 5;

/** Where and how to ask for a device code. */
export interface DeviceAuthorizationEndpoint {
  deviceAuthorizationUrl: string;
  /** The client's credentials; without them the request carries only `client_id`. */
  client?: ClientCredentials;
  /** Defaults to client_secret_basic. */
  clientAuth?: ClientAuthMethod;
  /** Further form parameters, e.g. `audience` or `resource`. */
  extraParams?: Record<string, string>;
  /** How client_secret_basic encodes the pair; default `form`. */
  basicEncoding?: BasicEncoding;
  /** Joins `scope`; default a space. */
  scopeSeparator?: string;
}

/** A checked device authorization answer (RFC 8628 3.2). */
export interface DeviceAuthorization {
  /** The secret the client polls with; never show it. */
  deviceCode: string;
  /** The code the user types at {@link verificationUri}. */
  userCode: string;
  verificationUri: string;
  /** The verification URI with the user code in it, when the server sent one. */
  verificationUriComplete?: string;
  /** Seconds until the codes expire. */
  expiresIn: number;
  /** Seconds between polls; {@link DEFAULT_DEVICE_POLL_INTERVAL} when the server sent none. */
  interval: number;
}

/** Sends the device authorization request: a form POST with `client_id`, `scope`, extras and client auth. */
export async function sendDeviceAuthorizationRequest(
  http: HttpClient,
  endpoint: DeviceAuthorizationEndpoint,
  options: { clientId: string; scopes?: readonly string[] },
): Promise<HttpResponse> {
  const form: Record<string, string> = { ...endpoint.extraParams, client_id: options.clientId };
  if (options.scopes && options.scopes.length > 0) form.scope = options.scopes.join(endpoint.scopeSeparator ?? ' ');
  const request = { form, headers: { accept: 'application/json' } as Record<string, string> };
  if (endpoint.client) applyClientAuth(endpoint.clientAuth ?? 'client_secret_basic', endpoint.client, request, endpoint.basicEncoding);
  return http.request({ method: 'POST', url: endpoint.deviceAuthorizationUrl, form: request.form, headers: request.headers, throwHttpErrors: false });
}

function parseObject(response: HttpResponse, where: string): Record<string, unknown> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new AuthError(`${where} answered ${response.status} with a body that is not JSON.`, { status: response.status });
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

function readSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Checks a device authorization answer: the status and the provider's `error` (an
 * {@link AuthError} carrying them), then `device_code`, `user_code`, `verification_uri`
 * (`verification_url`, as some providers spell it, is accepted), `verification_uri_complete`,
 * `expires_in` and `interval`, each failure naming the field.
 */
export function processDeviceAuthorizationResponse(response: HttpResponse): DeviceAuthorization {
  const where = `The device authorization endpoint ${response.url}`;
  const json = parseObject(response, where);
  const ok = response.status >= 200 && response.status <= 299;
  if (!ok || typeof json?.error === 'string') {
    const error = typeof json?.error === 'string' ? json.error : undefined;
    const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
    const what = error ? `${error}${description ? ` (${description.replace(/[.\s]+$/, '')})` : ''}` : 'no OAuth error code';
    throw new AuthError(`${where} refused the request with status ${response.status}: ${what}.`, {
      status: response.status,
      providerError: error,
      providerErrorDescription: description,
    });
  }
  if (!json) throw new AuthError(`${where} answered with JSON that is not an object.`, { status: response.status });
  const field = (name: string, problem: string): AuthError =>
    new AuthError(`${where} answered without a valid ${name}: ${problem}.`, { status: response.status });
  const text = (name: string, value: unknown): string => {
    if (typeof value !== 'string' || value === '') throw field(name, 'it is missing or empty');
    return value;
  };
  const absoluteUrl = (name: string, value: string): string => {
    if (!URL.canParse(value)) throw field(name, 'it is not an absolute URL');
    return value;
  };

  const deviceCode = text('device_code', json.device_code);
  const userCode = text('user_code', json.user_code);
  const verificationUri = absoluteUrl('verification_uri', text('verification_uri', json.verification_uri ?? json.verification_url));
  const expiresIn = readSeconds(json.expires_in);
  if (expiresIn === undefined || expiresIn === 0) throw field('expires_in', 'it is missing or not a positive number of seconds');
  let interval = DEFAULT_DEVICE_POLL_INTERVAL;
  if (json.interval !== undefined && json.interval !== null) {
    const seconds = readSeconds(json.interval);
    if (seconds === undefined) throw field('interval', 'it is not a number of seconds');
    interval = seconds;
  }
  const authorization: DeviceAuthorization = { deviceCode, userCode, verificationUri, expiresIn, interval };
  if (json.verification_uri_complete !== undefined && json.verification_uri_complete !== null) {
    authorization.verificationUriComplete = absoluteUrl('verification_uri_complete', text('verification_uri_complete', json.verification_uri_complete));
  }
  return authorization;
}

/** The device authorization request (RFC 8628 3.1), its answer checked. */
export async function deviceAuthorizationRequest(
  http: HttpClient,
  endpoint: DeviceAuthorizationEndpoint,
  options: { clientId: string; scopes?: readonly string[] },
): Promise<DeviceAuthorization> {
  return processDeviceAuthorizationResponse(await sendDeviceAuthorizationRequest(http, endpoint, options));
}

/** One poll's outcome: keep polling, poll more slowly, or the tokens. */
export type DeviceCodePoll = { status: 'pending' } | { status: 'slow_down' } | { status: 'tokens'; tokens: TokenSet };

/** Sends one device access token request (RFC 8628 3.4). */
export async function deviceCodeGrantRequest(
  http: HttpClient,
  endpoint: TokenEndpoint,
  options: { deviceCode: string; clientId: string },
): Promise<HttpResponse> {
  // client_id always: RFC 8628 3.4 wants it from public clients, and it is harmless beside client auth.
  return sendTokenRequest(http, endpoint, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: options.deviceCode, client_id: options.clientId });
}

/**
 * Checks one poll's answer (RFC 8628 3.5): `authorization_pending` and `slow_down` are outcomes,
 * `access_denied` and `expired_token` are {@link AuthError}s that say what happened, and anything
 * else goes through {@link processTokenResponse}.
 */
export function processDeviceCodeResponse(response: HttpResponse, tokenResponse?: TokenResponseOptions): DeviceCodePoll {
  let error: unknown;
  try {
    error = (JSON.parse(response.body) as Record<string, unknown> | null)?.error;
  } catch {
    // processTokenResponse names a body that is not JSON.
  }
  const providerError = typeof error === 'string' ? error : undefined;
  switch (providerError) {
    case 'authorization_pending':
      return { status: 'pending' };
    case 'slow_down':
      return { status: 'slow_down' };
    case 'access_denied':
      throw new AuthError('The device login was denied at the provider (access_denied).', { status: response.status, providerError });
    case 'expired_token':
      throw expiredError(response.status);
  }
  return { status: 'tokens', tokens: processTokenResponse(response, tokenResponse) };
}

function expiredError(status?: number): AuthError {
  return new AuthError('The device code expired before the login was approved (expired_token).', {
    providerError: 'expired_token',
    ...(status === undefined ? {} : { status }),
  });
}

export interface DeviceCodeGrantOptions {
  /** From {@link DeviceAuthorization}. */
  deviceCode: string;
  /** Sent as `client_id`. */
  clientId: string;
  /** Seconds between polls. */
  interval: number;
  /** Seconds from now until the device code expires; polling stops then. */
  expiresIn: number;
  /** Waits; tests pass a fake. Defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The current time; defaults to the clock. */
  now?: () => Date;
}

const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The device code grant: waits `interval` seconds, polls, and again while the answer is
 * `authorization_pending`; `slow_down` adds {@link SLOW_DOWN_STEP} seconds to the interval. Stops
 * with the tokens, with an {@link AuthError} on `access_denied` or `expired_token`, or with the
 * expired error once `expiresIn` seconds have passed.
 */
export async function deviceCodeGrant(http: HttpClient, endpoint: TokenEndpoint, options: DeviceCodeGrantOptions): Promise<TokenSet> {
  const sleep = options.sleep ?? timerSleep;
  const now = options.now ?? (() => new Date());
  const deadline = now().getTime() + options.expiresIn * 1000;
  let interval = options.interval;
  for (;;) {
    await sleep(interval * 1000);
    const poll = processDeviceCodeResponse(await deviceCodeGrantRequest(http, endpoint, options), endpoint.response);
    if (poll.status === 'tokens') return poll.tokens;
    if (poll.status === 'slow_down') interval += SLOW_DOWN_STEP;
    if (now().getTime() >= deadline) throw expiredError();
  }
}
