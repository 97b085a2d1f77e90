/**
 * The runtime's HTTP client: one got instance per connector run (`got.extend`) with the hooks of
 * `hooks.ts` — auth applied before each request, renew-and-retry-once after a 401, retries with
 * backoff, timeouts, a cookie jar per connection, and redacted `HttpError`s.
 *
 * Without `auth` it is the client schemes get as `ctx.http` for their token requests.
 */
import { createRequire } from 'node:module';
import got, { type Got, type OptionsInit, type Response } from 'got';
import type { CookieJar } from 'tough-cookie';
import type { RetryPolicy } from '../manifest/types.js';
import type { HttpClient, HttpResponse, Logger } from '../plugin-api.js';
import {
  REQUEST_STATE,
  createAfterResponseHook,
  createBeforeErrorHook,
  createBeforeRequestHook,
  createCalculateDelay,
  type RequestAuth,
  type RequestState,
} from './hooks.js';
import { createCrossOriginRedirectHook } from './cross-origin-redirect.js';
import type { Redactor } from './redact.js';
import type { RateLimiter } from './rate-limit.js';
import { DEFAULT_RETRY_LIMIT, resolveRetryPolicy } from './retry.js';
import { DEFAULT_TIMEOUT_SECONDS, resolveTimeouts, type ResolvedTimeouts } from './timeouts.js';
import { createStatusError, toHttpError } from './to-http-error.js';
import type { RuntimeHttpRequestOptions } from './types.js';
import { sendStreamed, type StreamedResponse, type StreamingHttpClient } from './streamed-request.js';
import { HttpError } from '../errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

/** The `user-agent` the runtime sends. */
export const USER_AGENT = `connectors/${version}`;

/** Timeouts in ms. */
export interface HttpTimeouts {
  /** Until the TCP (and TLS) connection is up; default 10 s. */
  connect?: number;
  /** From the request sent until the response headers arrive; default 60 s. */
  response?: number;
  /** The longest silence on the connection while the body arrives (and before); default 60 s. */
  idle?: number;
  /** The whole request, retries excluded; no default. */
  request?: number;
}

/** Defaults of {@link HttpTimeouts}. */
export const DEFAULT_TIMEOUTS: Required<Pick<HttpTimeouts, 'connect' | 'response' | 'idle'>> = {
  connect: 10_000,
  response: DEFAULT_TIMEOUT_SECONDS * 1000,
  idle: DEFAULT_TIMEOUT_SECONDS * 1000,
};

/** A TLS client certificate (mutual TLS): presented on every HTTPS request of the client. */
export interface TlsClientCertificate {
  /** PEM, with any intermediate certificates after it. */
  certificate: string;
  /** The certificate's private key, PEM, unencrypted. */
  key: string;
}

export interface RuntimeHttpClientOptions {
  /** Secrets to remove from error messages and log lines; `Authorization` values are added to it. */
  redactor?: Redactor;
  /** The connection's auth; without it no credentials are applied (the client for token requests). */
  auth?: RequestAuth;
  /** The connection's cookie jar (see `cookie-jar.ts`). Without it cookies are not kept. */
  cookieJar?: CookieJar;
  /** Gets one debug line per request (method, redacted URL, status, ms) and per retry. */
  logger?: Pick<Logger, 'debug'>;
  /** The connector's retry policy (`retry:` at the top of the manifest); a request may override it. */
  retry?: RetryPolicy;
  timeout?: HttpTimeouts;
  /** Defaults to {@link USER_AGENT}. */
  userAgent?: string;
  /** Mutual TLS: the client certificate presented in every TLS handshake (see `runtime/tls-client-certificate.ts`). */
  tlsClientCertificate?: TlsClientCertificate;
  /** Waits between retries; tests pass a fake. Defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The jitter source, in [0, 1); defaults to `Math.random`. */
  random?: () => number;
  /** The clock, for `Retry-After` dates. */
  now?: () => Date;
  /** The connection's rate limit (`rate_limit:` and the answers' rate-limit headers), shared by all its requests. */
  rateLimiter?: RateLimiter;
  /** The got instance to extend; defaults to got's own. */
  got?: Got;
}

/** The runtime's {@link HttpClient}: requests may carry a `retry` override. */
export interface RuntimeHttpClient extends StreamingHttpClient {
  request(options: RuntimeHttpRequestOptions): Promise<HttpResponse>;
  /** Like `request`, but resolves at the headers of a 2xx answer and hands the body over as it downloads. */
  stream(options: RuntimeHttpRequestOptions): Promise<StreamedResponse>;
  /** The got instance with the hooks, for callers that need got itself. */
  readonly got: Got;
}

function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name.toLowerCase()] = String(value);
  return result;
}

/** The final URL, query parameters included. */
function buildUrl(options: RuntimeHttpRequestOptions): URL {
  const url = new URL(String(options.url));
  for (const [name, value] of Object.entries(options.searchParams ?? {})) url.searchParams.set(name, String(value));
  return url;
}

/** The body as text, and the content type it implies. */
function buildBody(options: RuntimeHttpRequestOptions, headers: Record<string, string>): string | Buffer | undefined {
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    return JSON.stringify(options.json);
  }
  if (options.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return new URLSearchParams(options.form).toString();
  }
  return options.body;
}

/** Creates the HTTP client of one connector run (with `auth`) or of a scheme's token requests (without). */
export function createRuntimeHttpClient(options: RuntimeHttpClientOptions = {}): RuntimeHttpClient {
  const deps = {
    auth: options.auth,
    redactor: options.redactor,
    logger: options.logger,
    sleep: options.sleep,
    random: options.random,
    now: options.now,
    rateLimiter: options.rateLimiter,
  };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeout };
  const defaultTimeouts: ResolvedTimeouts = { responseMs: timeouts.response, idleMs: timeouts.idle };
  const gotTimeouts = (resolved: ResolvedTimeouts) => ({
    connect: timeouts.connect,
    secureConnect: timeouts.connect,
    response: resolved.responseMs,
    socket: resolved.idleMs,
    request: timeouts.request,
  });
  const extendOptions: OptionsInit = {
    headers: { 'user-agent': options.userAgent ?? USER_AGENT },
    timeout: gotTimeouts(defaultTimeouts),
    retry: { limit: DEFAULT_RETRY_LIMIT, calculateDelay: createCalculateDelay(deps) },
    hooks: {
      beforeRequest: [createBeforeRequestHook(deps)],
      afterResponse: [createAfterResponseHook(deps)],
      beforeRedirect: [createCrossOriginRedirectHook(options.redactor)],
      beforeError: [createBeforeErrorHook(deps)],
    },
  };
  if (options.tlsClientCertificate) {
    extendOptions.https = { certificate: options.tlsClientCertificate.certificate, key: options.tlsClientCertificate.key };
  }
  if (options.cookieJar) extendOptions.cookieJar = options.cookieJar as unknown as OptionsInit['cookieJar'];
  const instance = (options.got ?? got).extend(extendOptions);
  const redact = (text: string): string => (options.redactor ? options.redactor.redact(text) : text);

  return {
    got: instance,
    stream(request: RuntimeHttpRequestOptions): Promise<StreamedResponse> {
      const url = buildUrl(request);
      const headers = lowerCaseHeaders(request.headers);
      const body = buildBody(request, headers);
      const method = (request.method ?? 'GET').toUpperCase();
      const requestTimeouts = resolveTimeouts(request.timeout, defaultTimeouts);
      const prepared = { method, url, headers, body, request, timeout: gotTimeouts(requestTimeouts), timeouts: requestTimeouts };
      return sendStreamed(instance, prepared, { ...deps, retry: options.retry });
    },
    async request(request: RuntimeHttpRequestOptions): Promise<HttpResponse> {
      const method = (request.method ?? 'GET').toUpperCase();
      const url = buildUrl(request);
      const headers = lowerCaseHeaders(request.headers);
      const body = buildBody(request, headers);
      const policy = resolveRetryPolicy({ ...options.retry, ...request.retry });
      const state: RequestState = { method, url: url.href, origin: url.origin, policy, retries: 0, renewed: false };
      if (request.sessionTemplates) state.sessionTemplates = request.sessionTemplates;
      const requestTimeouts = resolveTimeouts(request.timeout, defaultTimeouts);
      state.timeouts = requestTimeouts;
      const started = Date.now();
      let response: Response<string>;
      try {
        response = (await instance(url, {
          method: method as OptionsInit['method'],
          headers,
          ...(body === undefined ? {} : { body }),
          throwHttpErrors: false,
          responseType: 'text',
          retry: { limit: policy.limit },
          timeout: gotTimeouts(requestTimeouts),
          ...(request.signal ? { signal: request.signal } : {}),
          context: { [REQUEST_STATE]: state },
        })) as Response<string>;
      } catch (error) {
        // Interrupted: the caller's abort reason, not a failed request.
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        const failure = toHttpError(error, { method, url: url.href, retries: state.retries }, options.redactor);
        options.logger?.debug(`${method} ${redact(url.href)} failed in ${Date.now() - started} ms: ${failure.message}`);
        throw failure;
      }
      const status = response.statusCode;
      options.logger?.debug(`${method} ${redact(url.href)} ${status} ${Date.now() - started} ms`);
      if ((request.throwHttpErrors ?? true) && (status < 200 || status > 299)) {
        throw createStatusError({ method, url: url.href, retries: state.retries }, status, response.body, options.redactor);
      }
      const text = response.body;
      return {
        status,
        url: response.url,
        headers: response.headers,
        body: text,
        json<T>(): T {
          try {
            return JSON.parse(text) as T;
          } catch {
            const where = redact(response.url);
            throw new HttpError(`${method} ${where} answered ${status} with a body that is not JSON.`, { status, method, url: where });
          }
        },
      };
    },
  };
}
