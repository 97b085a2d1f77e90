import { AuthError } from '../../errors.js';
import type { AuthContext, HttpResponse } from '../../plugin-api.js';
import { describeSessionRejection } from './describe-session-rejection.js';
import { computeSessionExpiration } from './session-expiration.js';
import { resolveSessionUrl } from './session-url.js';

/** A session token and its lifetime. */
export interface TripletexSession {
  token: string;
  expirationDate: string;
  expiresAt: Date;
  issuedAt: Date;
}

/** What one session request sends. */
interface SessionTokenRequest {
  sessionUrl: string;
  consumerToken: string;
  employeeToken: string;
  expirationDate: string;
}

/** Statuses of the POST that mean "this server has only the legacy PUT". */
const LEGACY_ONLY_STATUSES = new Set([404, 405]);

/**
 * `POST <session_url>` with the JSON body `{consumerToken, employeeToken, expirationDate}`: the
 * vendor's preferred form "for better security", which keeps the tokens out of URLs (proxies and
 * access logs keep those).
 */
function postSessionToken(ctx: AuthContext, request: SessionTokenRequest): Promise<HttpResponse> {
  return ctx.http.request({
    method: 'POST',
    url: request.sessionUrl,
    json: { consumerToken: request.consumerToken, employeeToken: request.employeeToken, expirationDate: request.expirationDate },
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
}

/** The legacy `PUT <session_url>?consumerToken=..&employeeToken=..&expirationDate=..`. */
function putSessionToken(ctx: AuthContext, request: SessionTokenRequest): Promise<HttpResponse> {
  return ctx.http.request({
    method: 'PUT',
    url: request.sessionUrl,
    searchParams: { consumerToken: request.consumerToken, employeeToken: request.employeeToken, expirationDate: request.expirationDate },
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
}

/**
 * Creates a session: `POST <session_url>` with a JSON body, falling back to the legacy `PUT` with
 * query parameters only when the POST answers 404 or 405; no auth header. The token is at
 * `value.token` of the answer.
 */
export async function createTripletexSession(ctx: AuthContext): Promise<TripletexSession> {
  const consumerToken = ctx.secrets.consumer_key ?? ctx.secrets.consumer_token;
  const employeeToken = ctx.secrets.employee_token;
  const missing = [consumerToken ? undefined : 'consumer_key', employeeToken ? undefined : 'employee_token'].filter(Boolean);
  if (missing.length > 0) {
    throw new AuthError(
      `The tripletex scheme needs the ${missing.join(' and ')} secret${missing.length > 1 ? 's' : ''}; set ${missing.length > 1 ? 'them' : 'it'} with connectors secrets set ${ctx.connector} ${missing[0]}.`,
    );
  }
  const issuedAt = ctx.now();
  const sessionDays = typeof ctx.options.session_days === 'number' ? ctx.options.session_days : 2;
  const { expirationDate, expiresAt } = computeSessionExpiration(issuedAt, sessionDays);
  const request = { sessionUrl: resolveSessionUrl(ctx.options, ctx.config), consumerToken: consumerToken!, employeeToken: employeeToken!, expirationDate };
  let response = await postSessionToken(ctx, request);
  if (LEGACY_ONLY_STATUSES.has(response.status)) response = await putSessionToken(ctx, request);
  if (response.status < 200 || response.status > 299) {
    throw describeSessionRejection(response.status, response.body, ctx.connector, [consumerToken!, employeeToken!]);
  }
  let token: unknown;
  try {
    token = (JSON.parse(response.body) as { value?: { token?: unknown } }).value?.token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw new AuthError(`Tripletex answered ${response.status} without a session token at value.token; check auth.session_url.`, {
      status: response.status,
    });
  }
  return { token, expirationDate, expiresAt, issuedAt };
}
