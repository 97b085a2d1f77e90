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
import type { Readable } from 'node:stream';
import type { Got, OptionsInit, PlainResponse } from 'got';
import { HttpError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../plugin-api.js';
import { REQUEST_STATE, type HookDependencies, type RequestState } from './hooks.js';
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

/** The request as the client prepared it: final URL, lower-cased headers, body. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  request: RuntimeHttpRequestOptions;
}

/** The most of an error body read for the error message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Attempt = { response: PlainResponse; body: Readable } | { error: unknown; code?: string };

/**
 * Sends a prepared request through `instance`, retrying as the client does, and resolves once a
 * 2xx answer's headers are in.
 * @throws HttpError for a non-2xx answer after retries, or a failed connection.
 */
export async function sendStreamed(
  instance: Got,
  prepared: PreparedRequest,
  deps: HookDependencies & { retry?: RuntimeHttpRequestOptions['retry'] },
): Promise<StreamedResponse> {
  const { method, url } = prepared;
  const policy = resolveRetryPolicy({ ...deps.retry, ...prepared.request.retry });
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let retries = 0;
  let renewed = false;
  let session: RequestState['session'];
  for (;;) {
    // got sees a policy without retries: the attempts are counted here.
    const state: RequestState = { method, url: url.href, origin: url.origin, policy: { ...policy, limit: 0 }, retries, renewed, ...(session ? { session } : {}) };
    const attempt = await openStream(instance, prepared, state);
    session = state.session;
    if ('error' in attempt) {
      if (retries < policy.limit && isRetryableErrorCode(attempt.code)) {
        retries += 1;
        await sleep(computeRetryDelay(retries, { maxDelayMs: policy.maxDelayMs, random: deps.random }));
        continue;
      }
      throw toHttpError(attempt.error, { method, url: url.href, retries }, deps.redactor);
    }
    const { response, body } = attempt;
    const status = response.statusCode;
    if (status >= 200 && status <= 299) {
      const where = deps.redactor ? deps.redactor.redact(response.url) : response.url;
      const notJsonError = (): Error => new HttpError(`${method} ${where} answered ${status} with a body that is not JSON.`, { status, method, url: where });
      return { status, url: response.url, headers: response.headers, body, notJsonError };
    }
    const text = await readSmallBody(body);
    if (status === 401 && deps.auth && !renewed && session) {
      renewed = true;
      session = await deps.auth.renewAfterUnauthorized(session);
      continue;
    }
    if (retries < policy.limit && isRetryableStatus(status)) {
      retries += 1;
      const retryAfter = parseRetryAfter(response.headers['retry-after'], deps.now?.());
      await sleep(computeRetryDelay(retries, { retryAfter, maxDelayMs: policy.maxDelayMs, random: deps.random }));
      continue;
    }
    throw createStatusError({ method, url: url.href, retries }, status, text, deps.redactor);
  }
}

/** One attempt: the got stream and its response, or the error raised before the response. */
function openStream(instance: Got, prepared: PreparedRequest, state: RequestState): Promise<Attempt> {
  return new Promise((resolve) => {
    const stream = instance.stream(prepared.url, {
      method: prepared.method as OptionsInit['method'],
      headers: prepared.headers,
      ...(prepared.body === undefined ? {} : { body: prepared.body }),
      throwHttpErrors: false,
      retry: { limit: 0 },
      context: { [REQUEST_STATE]: state },
    });
    const onError = (error: unknown): void => {
      // `beforeError` has wrapped the error by now; it noted got's code in the state.
      resolve({ error, ...(state.errorCode !== undefined ? { code: state.errorCode } : {}) });
    };
    stream.once('error', onError);
    stream.once('response', (response: PlainResponse) => {
      stream.off('error', onError);
      resolve({ response, body: stream });
    });
  });
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
