/**
 * A request whose 2xx body is handed over as it downloads instead of buffered whole: the runtime
 * reads big pages of records this way (`streams/page-records.ts`).
 *
 * It goes through the same got instance, so `beforeRequest` applies auth (same origin only) and
 * `beforeError` redacts; got's stream mode runs no `afterResponse` hook and retries nothing by
 * itself, so the attempts are made here with the same rules as the buffered client: one renewal
 * and retry after a 401, retries with backoff for network errors, 408, 429 and 5xx. Error bodies
 * are small and read whole, for the same one-sentence errors.
 */
import { Readable } from 'node:stream';
import type { Got, OptionsInit, PlainResponse } from 'got';
import { HttpError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../plugin-api.js';
import { REQUEST_STATE, type HookDependencies, type RequestState } from './hooks.js';
import type { ResolvedTimeouts } from './timeouts.js';
import { computeRetryDelay, isRetryableErrorCode, isRetryableStatus, parseRetryAfter, resolveRetryPolicy } from './retry.js';
import { createStatusError, toHttpError } from './to-http-error.js';
import type { RuntimeHttpRequestOptions } from './types.js';

/** A 2xx answer whose body has not been read yet. */
export interface StreamedResponse extends Pick<HttpResponse, 'status' | 'url' | 'headers'> {
  /** The body's bytes, as they arrive (decompressed). Destroy it to stop the download. */
  body: Readable;
  /** The error `HttpResponse.json()` raises for this answer: for a body that turns out not to be JSON. */
  notJsonError(): Error;
}

/** An {@link HttpClient} that can also hand over a body as it downloads. */
export interface StreamingHttpClient extends HttpClient {
  /** Like `request`, but resolves at the response headers of a 2xx answer. */
  stream(options: RuntimeHttpRequestOptions): Promise<StreamedResponse>;
}

/** True when `http` offers {@link StreamingHttpClient.stream}. */
export function isStreamingHttpClient(http: HttpClient): http is StreamingHttpClient {
  return typeof (http as Partial<StreamingHttpClient>).stream === 'function';
}

/** The request as the client prepared it: final URL, lower-cased headers, body, timeouts. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  request: RuntimeHttpRequestOptions;
  /** got's timeouts for each attempt. */
  timeout: NonNullable<OptionsInit['timeout']>;
  /** The response and idle timeouts, for the message when one runs out. */
  timeouts: ResolvedTimeouts;
}

/** The most of an error body read for the error message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Attempt = { response: PlainResponse; body: Readable; state: RequestState } | { error: unknown; code?: string };

type StreamDependencies = HookDependencies & { retry?: RuntimeHttpRequestOptions['retry'] };

/** What the attempts of one request share: the retries spent, and the one renewal after a 401. */
interface AttemptBudget {
  limit: number;
  maxDelayMs: number | undefined;
  retries: number;
  renewed: boolean;
  session?: RequestState['session'];
}

/**
 * Sends a prepared request through `instance`, retrying as the client does, and resolves once a
 * 2xx answer's headers are in. A network error while the body downloads (a reset, the idle
 * timeout) is retried as well, within the same retry limit: the request is sent again and the
 * bytes already handed over are skipped (see {@link ResumingBody}).
 * @throws HttpError for a non-2xx answer after retries, or a failed connection.
 */
export async function sendStreamed(instance: Got, prepared: PreparedRequest, deps: StreamDependencies): Promise<StreamedResponse> {
  const policy = resolveRetryPolicy({ ...deps.retry, ...prepared.request.retry });
  const budget: AttemptBudget = { limit: policy.limit, maxDelayMs: policy.maxDelayMs, retries: 0, renewed: false };
  const first = await openUntilSuccess(instance, prepared, deps, budget);
  const { method } = prepared;
  const { response } = first;
  const status = response.statusCode;
  const where = deps.redactor ? deps.redactor.redact(response.url) : response.url;
  const notJsonError = (): Error => new HttpError(`${method} ${where} answered ${status} with a body that is not JSON.`, { status, method, url: where });
  const body = new ResumingBody(first, {
    reopen: () => openUntilSuccess(instance, prepared, deps, budget),
    mayRetry: (code) => budget.retries < budget.limit && isRetryableErrorCode(code) && !prepared.request.signal?.aborted,
    beforeRetry: async () => {
      budget.retries += 1;
      deps.logger?.debug(`${method} ${redactUrl(prepared.url.href, deps)}: the body broke off; retry ${budget.retries} of ${budget.limit}`);
      await sleepFor(deps)(computeRetryDelay(budget.retries, { maxDelayMs: budget.maxDelayMs, random: deps.random }));
    },
    changed: () =>
      new HttpError(`${method} ${where} failed: the body broke off, and the answer to the retry is not the same length, so the page cannot be resumed.`, {
        method,
        url: where,
      }),
  });
  return { status, url: response.url, headers: response.headers, body, notJsonError };
}

function sleepFor(deps: StreamDependencies): (ms: number) => Promise<void> {
  return deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
}

function redactUrl(url: string, deps: StreamDependencies): string {
  return deps.redactor ? deps.redactor.redact(url) : url;
}

/** The attempts until a 2xx answer's headers: retries with backoff, and one renewal after a 401. */
async function openUntilSuccess(
  instance: Got,
  prepared: PreparedRequest,
  deps: StreamDependencies,
  budget: AttemptBudget,
): Promise<{ response: PlainResponse; body: Readable; state: RequestState }> {
  const { method, url } = prepared;
  const policy = resolveRetryPolicy({ ...deps.retry, ...prepared.request.retry });
  const signal = prepared.request.signal;
  for (;;) {
    // got sees a policy without retries: the attempts are counted here.
    const state: RequestState = {
      method,
      url: url.href,
      origin: url.origin,
      policy: { ...policy, limit: 0 },
      retries: budget.retries,
      renewed: budget.renewed,
      timeouts: prepared.timeouts,
      ...(prepared.request.sessionTemplates ? { sessionTemplates: prepared.request.sessionTemplates } : {}),
      ...(budget.session ? { session: budget.session } : {}),
    };
    const started = Date.now();
    const attempt = await openStream(instance, prepared, state);
    budget.session = state.session;
    if ('error' in attempt) {
      // Interrupted: the caller's abort reason, not a failed request.
      if (signal?.aborted) throw signal.reason ?? attempt.error;
      deps.logger?.debug(`${method} ${redactUrl(url.href, deps)} failed in ${Date.now() - started} ms (${attempt.code ?? 'no code'})`);
      if (budget.retries < budget.limit && isRetryableErrorCode(attempt.code)) {
        budget.retries += 1;
        await sleepFor(deps)(computeRetryDelay(budget.retries, { maxDelayMs: budget.maxDelayMs, random: deps.random }));
        continue;
      }
      if (attempt.error instanceof HttpError) throw attempt.error;
      throw toHttpError(attempt.error, { method, url: url.href, retries: budget.retries }, deps.redactor);
    }
    const { response, body } = attempt;
    const status = response.statusCode;
    deps.rateLimiter?.observe(status, response.headers);
    deps.logger?.debug(`${method} ${redactUrl(url.href, deps)} ${status} ${Date.now() - started} ms (headers; the body streams)`);
    if (status >= 200 && status <= 299) return attempt;
    const text = await readSmallBody(body);
    if (status === 401 && deps.auth && !budget.renewed && budget.session) {
      budget.renewed = true;
      budget.session = await deps.auth.renewAfterUnauthorized(budget.session);
      continue;
    }
    if (budget.retries < budget.limit && isRetryableStatus(status)) {
      budget.retries += 1;
      const retryAfter = parseRetryAfter(response.headers['retry-after'], deps.now?.());
      await sleepFor(deps)(computeRetryDelay(budget.retries, { retryAfter, maxDelayMs: budget.maxDelayMs, random: deps.random }));
      continue;
    }
    throw createStatusError({ method, url: url.href, retries: budget.retries }, status, text, deps.redactor);
  }
}

/** One attempt: the got stream and its response, or the error raised before the response. */
function openStream(instance: Got, prepared: PreparedRequest, state: RequestState): Promise<Attempt> {
  return new Promise((resolve) => {
    const signal = prepared.request.signal;
    const stream = instance.stream(prepared.url, {
      method: prepared.method as OptionsInit['method'],
      headers: prepared.headers,
      ...(prepared.body === undefined ? {} : { body: prepared.body }),
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: prepared.timeout,
      ...(signal ? { signal } : {}),
      context: { [REQUEST_STATE]: state },
    });
    const onError = (error: unknown): void => {
      // `beforeError` has wrapped the error by now; it noted got's code in the state.
      resolve({ error, ...(state.errorCode !== undefined ? { code: state.errorCode } : {}) });
    };
    stream.once('error', onError);
    stream.once('response', (response: PlainResponse) => {
      stream.off('error', onError);
      resolve({ response, body: stream, state });
    });
  });
}

interface ResumingBodyOptions {
  /** Sends the request again, up to the headers of a 2xx answer. */
  reopen: () => Promise<{ response: PlainResponse; body: Readable; state: RequestState }>;
  /** Whether a failure with this network error code may be retried now. */
  mayRetry: (code: string | undefined) => boolean;
  /** Counts the retry and waits its backoff. */
  beforeRetry: () => Promise<void>;
  /** The error when the answer to the retry cannot be the same bytes. */
  changed: () => Error;
}

/**
 * A 2xx body that survives a network error part-way (section 8: a reset mid-body is a network
 * error and is retried): the request is sent again and the bytes already handed over are skipped,
 * so the reader sees one unbroken body. A retry whose `content-length` differs from the first
 * answer's fails instead, since its bytes cannot line up. Destroying it stops the download.
 */
class ResumingBody extends Readable {
  private current: Readable;
  private delivered = 0;
  private readonly length: string | undefined;

  constructor(
    first: { response: PlainResponse; body: Readable; state: RequestState },
    private readonly options: ResumingBodyOptions,
  ) {
    super();
    this.length = first.response.headers['content-length'];
    this.current = first.body;
    this.follow(first.body, first.state, 0);
  }

  override _read(): void {
    this.current.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.current.destroy();
    callback(error);
  }

  private follow(source: Readable, state: RequestState, skip: number): void {
    let toSkip = skip;
    source.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      if (toSkip > 0) {
        if (chunk.length <= toSkip) {
          toSkip -= chunk.length;
          return;
        }
        chunk = chunk.subarray(toSkip);
        toSkip = 0;
      }
      this.delivered += chunk.length;
      if (!this.push(chunk)) source.pause();
    });
    source.once('end', () => {
      if (!this.destroyed) this.push(null);
    });
    let failed = false;
    source.on('error', (error: unknown) => {
      if (failed) return;
      failed = true;
      void this.recover(error, state);
    });
  }

  private async recover(error: unknown, state: RequestState): Promise<void> {
    if (this.destroyed) return;
    if (!this.options.mayRetry(state.errorCode)) {
      this.destroy(error as Error);
      return;
    }
    try {
      await this.options.beforeRetry();
      if (this.destroyed) return;
      const next = await this.options.reopen();
      if (this.destroyed) {
        next.body.destroy();
        return;
      }
      const length = next.response.headers['content-length'];
      if (this.length !== undefined && length !== undefined && length !== this.length) {
        next.body.destroy();
        this.destroy(this.options.changed());
        return;
      }
      this.current = next.body;
      this.follow(next.body, next.state, this.delivered);
    } catch (failure) {
      this.destroy(failure as Error);
    }
  }
}

/** Reads an error body, at most {@link MAX_ERROR_BODY_BYTES}, as text. */
async function readSmallBody(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // The status says what went wrong; a body cut short changes nothing.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY_BYTES);
}
