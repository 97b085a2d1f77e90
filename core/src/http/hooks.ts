/**
 * The got hooks of the runtime's HTTP client, at the points STYLE.md names: `beforeRequest` applies
 * the scheme's credentials, `afterResponse` renews after a 401 and retries once, the retry delay
 * follows `retry.ts`, and `beforeError` redacts and wraps into `HttpError`.
 *
 * Each request made through the client carries a {@link RequestState} in got's `context`. Got
 * reuses (and copies) the options it already changed when it retries or follows a redirect, so
 * `beforeRequest` first undoes what the previous `apply` did and then applies again.
 */
import type { AfterResponseHook, BeforeErrorHook, BeforeRequestHook, NormalizedOptions, RequestError, RetryObject } from 'got';
import type { Logger, OutgoingRequest, Session } from '../plugin-api.js';
import type { Redactor } from './redact.js';
import { computeRetryDelay, isRetryableErrorCode, isRetryableStatus, parseRetryAfter, type ResolvedRetryPolicy } from './retry.js';
import { describeTimeout, type ResolvedTimeouts } from './timeouts.js';
import { toHttpError } from './to-http-error.js';
import { HttpError } from '../errors.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * The auth of one connection as the HTTP client sees it: the session manager's current session,
 * its renewal after a 401, and the scheme's `apply`.
 */
export interface RequestAuth {
  getSession(): Promise<Session>;
  renewAfterUnauthorized(failed: Session): Promise<Session>;
  apply(request: OutgoingRequest, session: Session): Promise<void> | void;
}

/**
 * Headers and query parameters templated from session values (`{{ secrets.* }}`, `{{ auth.* }}`),
 * rendered again before every attempt with the session it goes out with, so the retry after a
 * renewal carries the new values. Called with `undefined` when the client has no auth: the values
 * the request was built with.
 */
export type SessionTemplates = (session: Session | undefined) => {
  headers: Record<string, string>;
  searchParams: Array<[string, string]>;
};

/** The key of {@link RequestState} in got's `context`. */
export const REQUEST_STATE = 'connectorsRequest';

interface AppliedChange<T> {
  base: T | undefined;
  applied: T | undefined;
}

/** What one `apply` changed, so the next attempt can start from the request as it was. */
interface AppliedSnapshot {
  url: string;
  baseUrl: string;
  headers: Map<string, AppliedChange<string>>;
  body?: AppliedChange<string | Buffer>;
}

/** Per-request bookkeeping kept in got's `context`. */
export interface RequestState {
  method: string;
  /** The URL the caller asked for (before `apply`), for messages. */
  url: string;
  /** Auth is applied only to this origin; a redirect elsewhere goes out without credentials. */
  origin: string;
  policy: ResolvedRetryPolicy;
  retries: number;
  renewed: boolean;
  session?: Session;
  applied?: AppliedSnapshot;
  sessionTemplates?: SessionTemplates;
  /** The request's response and idle timeouts, for the message when one runs out. */
  timeouts?: ResolvedTimeouts;
  /** got's code of the last failure (`ECONNRESET`, ...), noted by `beforeError` before it wraps it. */
  errorCode?: string;
}

/** What the hooks need from the client. */
export interface HookDependencies {
  auth?: RequestAuth;
  redactor?: Redactor;
  logger?: Pick<Logger, 'debug'>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  /** The connection's rate limit: each attempt waits its turn, each answer may pause the connection (`rate-limit.ts`). */
  rateLimiter?: RateLimiter;
}

/** The {@link RequestState} of a request made through the client, if any. */
export function getRequestState(options: { context?: Record<string, unknown> } | undefined): RequestState | undefined {
  return options?.context?.[REQUEST_STATE] as RequestState | undefined;
}

function headerText(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Redacts the credentials of an `Authorization` header from now on, whole and after its scheme word. */
function rememberAuthorization(value: string | undefined, redactor: Redactor | undefined): void {
  if (!value || !redactor) return;
  redactor.addDerived(value);
  const space = value.indexOf(' ');
  if (space > 0) redactor.addDerived(value.slice(space + 1).trim());
}

/** Puts the request back as it was before the previous `apply`, as far as got kept its changes. */
function undoPreviousApply(options: NormalizedOptions, state: RequestState): string {
  const previous = state.applied;
  const url = (options.url as URL).href;
  if (!previous) return url;
  for (const [name, change] of previous.headers) {
    if (headerText(options.headers[name]) !== change.applied) continue;
    if (change.base === undefined) delete options.headers[name];
    else options.headers[name] = change.base;
  }
  if (previous.body && options.body === previous.body.applied) options.body = previous.body.base;
  return url === previous.url ? previous.baseUrl : url;
}

/**
 * Builds the {@link OutgoingRequest}, adds the session templates, lets the scheme change it, and
 * copies the changes back. Without `auth` only the templates are applied.
 */
async function applyAuth(options: NormalizedOptions, state: RequestState, auth: RequestAuth | undefined): Promise<void> {
  const baseUrl = undoPreviousApply(options, state);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) {
    const text = headerText(value);
    if (text !== undefined) headers[name.toLowerCase()] = text;
  }
  const body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : undefined;
  const request: OutgoingRequest = { method: state.method, url: new URL(baseUrl), headers: { ...headers } };
  if (body !== undefined) request.body = body;

  if (auth) state.session ??= await auth.getSession();
  if (state.sessionTemplates) {
    const rendered = state.sessionTemplates(state.session);
    for (const [name, value] of Object.entries(rendered.headers)) request.headers[name.toLowerCase()] = value;
    for (const [name, value] of rendered.searchParams) request.url.searchParams.append(name, value);
  }
  if (auth && state.session) await auth.apply(request, state.session);

  const snapshot: AppliedSnapshot = { url: request.url.href, baseUrl, headers: new Map() };
  if (request.url.href !== (options.url as URL).href) options.url = new URL(request.url.href);
  const after: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) after[name.toLowerCase()] = String(value);
  for (const name of new Set([...Object.keys(headers), ...Object.keys(after)])) {
    if (headers[name] === after[name]) continue;
    snapshot.headers.set(name, { base: headers[name], applied: after[name] });
    if (after[name] === undefined) delete options.headers[name];
    else options.headers[name] = after[name];
  }
  if (request.body !== body) {
    snapshot.body = { base: body, applied: request.body };
    options.body = request.body;
    const length = request.body === undefined ? undefined : String(Buffer.byteLength(request.body));
    const oldLength = headerText(options.headers['content-length']);
    if (length !== oldLength) {
      snapshot.headers.set('content-length', { base: oldLength, applied: length });
      if (length === undefined) delete options.headers['content-length'];
      else options.headers['content-length'] = length;
    }
  }
  state.applied = snapshot;
}

/** `beforeRequest`: applies auth (same origin only) and remembers `Authorization` values for redaction. */
export function createBeforeRequestHook(deps: HookDependencies): BeforeRequestHook {
  return async (options) => {
    await deps.rateLimiter?.acquire(options.signal as AbortSignal | undefined);
    const state = getRequestState(options);
    if (state && (deps.auth || state.sessionTemplates) && (options.url as URL).origin === state.origin) {
      await applyAuth(options, state, deps.auth);
    }
    rememberAuthorization(headerText(options.headers.authorization), deps.redactor);
  };
}

/** `afterResponse`: a 401 renews the session once through the binding and retries once. */
export function createAfterResponseHook(deps: HookDependencies): AfterResponseHook {
  return async (response, retryWithMergedOptions) => {
    deps.rateLimiter?.observe(response.statusCode, response.headers);
    const state = getRequestState(response.request.options);
    if (!deps.auth || !state || response.statusCode !== 401 || state.renewed || !state.session) return response;
    state.renewed = true;
    deps.logger?.debug(`${state.method} ${redactText(deps, state.url)} answered 401; renewing the session and retrying once.`);
    state.session = await deps.auth.renewAfterUnauthorized(state.session);
    return retryWithMergedOptions({});
  };
}

/** A response or idle timeout that ran out, naming it. */
function timeoutError(method: string, url: string, retries: number | undefined, what: string, deps: HookDependencies): HttpError {
  const where = redactText(deps, url);
  const after = retries ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
  return new HttpError(`${method} ${where} failed${after}: ${what}.`, { code: 'ETIMEDOUT', method, url: where });
}

/** got's "Redirected 10 times. Aborting." in our words. */
function tooManyRedirects(method: string, url: string, limit: number | undefined, deps: HookDependencies): HttpError {
  const where = redactText(deps, url);
  const after = limit === undefined ? '' : ` (more than ${limit})`;
  return new HttpError(`${method} ${where} failed: too many redirects${after}.`, { code: 'ERR_TOO_MANY_REDIRECTS', method, url: where });
}

function redactText(deps: HookDependencies, text: string): string {
  return deps.redactor ? deps.redactor.redact(text) : text;
}

/** got's `retry.calculateDelay`: the rules of `retry.ts`, with an injectable sleep for tests. */
export function createCalculateDelay(deps: HookDependencies): (retry: RetryObject) => Promise<number> {
  return async ({ attemptCount, error }) => {
    if (error.name === 'RetryError') return 1;
    const state = getRequestState(error.options);
    if (!state || attemptCount > state.policy.limit) return 0;
    // A bad status is judged by its status; a failure after the headers (a timeout or a reset
    // mid-body) also has a response, but it is a network error (DESIGN section 8).
    const status = error.name === 'HTTPError' ? error.response?.statusCode : undefined;
    const retryable = status !== undefined ? isRetryableStatus(status) : isRetryableErrorCode(error.code);
    if (!retryable) return 0;
    const retryAfter = status !== undefined ? parseRetryAfter(error.response?.headers['retry-after'], deps.now?.()) : undefined;
    const delay = computeRetryDelay(attemptCount, { retryAfter, maxDelayMs: state.policy.maxDelayMs, random: deps.random });
    state.retries = attemptCount;
    deps.logger?.debug(
      `${state.method} ${redactText(deps, state.url)} ${status !== undefined ? `answered ${status}` : `failed (${error.code})`}; retry ${attemptCount} of ${state.policy.limit} in ${delay} ms.`,
    );
    if (deps.sleep) {
      await deps.sleep(delay);
      return 1;
    }
    return delay;
  };
}

/**
 * `beforeError`: every failure other than a bad status (which the client reports itself) becomes a
 * redacted `HttpError`; one of our errors raised inside a hook (e.g. a failed renewal) passes as it is.
 */
export function createBeforeErrorHook(deps: HookDependencies): BeforeErrorHook {
  return (error: RequestError) => {
    if (error.name === 'HTTPError' || error.name === 'AbortError') return error;
    const state = getRequestState(error.options);
    if (state) state.errorCode = error.code;
    const method = state?.method ?? String(error.options?.method ?? 'GET');
    const url = state?.url ?? String(error.options?.url ?? '');
    if (error.name === 'MaxRedirectsError') return tooManyRedirects(method, url, error.options?.maxRedirects, deps);
    const timedOut = error.name === 'TimeoutError' && state?.timeouts ? describeTimeout((error as { event?: string }).event, state.timeouts) : undefined;
    if (timedOut) return timeoutError(method, url, state?.retries, timedOut, deps);
    return toHttpError(error, { method, url, retries: state?.retries }, deps.redactor);
  };
}
