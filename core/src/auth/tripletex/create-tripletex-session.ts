import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
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

/**
 * `PUT <session_url>?consumerToken=..&employeeToken=..&expirationDate=YYYY-MM-DD`, no auth header;
 * the token is at `value.token` of the answer.
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
  const response = await ctx.http.request({
    method: 'PUT',
    url: resolveSessionUrl(ctx.options, ctx.config),
    searchParams: { consumerToken: consumerToken!, employeeToken: employeeToken!, expirationDate },
    headers: { accept: 'application/json' },
    throwHttpErrors: false,
  });
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
