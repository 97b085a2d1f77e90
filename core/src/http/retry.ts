/**
 * Retry rules of DESIGN.md section 8 "Retries", as pure functions: which answers are retried,
 * how long to wait, and how a `Retry-After` header is read.
 *
 * Network errors, 408, 429 and 5xx are retried, 5 times by default, with exponential backoff from
 * 0.5 s doubling up to `maxDelayMs` (8 s by default) and full jitter. A `Retry-After` header is
 * honoured up to 60 s: a longer wait is cut to 60 s. Other 4xx answers are not retried (401 is
 * handled by the renew-and-retry-once rule of the HTTP client, not here).
 */

/** Retries after the first attempt when the manifest says nothing. */
export const DEFAULT_RETRY_LIMIT = 5;
/** The first backoff step. */
export const BASE_RETRY_DELAY_MS = 500;
/** The largest backoff step when the manifest sets no `max_delay`. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 8_000;
/** The longest `Retry-After` wait honoured; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Error codes of failed connections and timeouts that are worth another attempt. */
export const RETRYABLE_ERROR_CODES: readonly string[] = [
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EADDRINUSE',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
];

/** True for 408, 429 and every 5xx status. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** True for a network error code (connection refused or reset, DNS failure, timeout). */
export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ERROR_CODES.includes(code);
}

export interface RetryDelayOptions {
  /** The server's wait in ms (from {@link parseRetryAfter}); wins over the backoff. */
  retryAfter?: number;
  /** The largest backoff step (default 8 s). */
  maxDelayMs?: number;
  /** A number in [0, 1) for the jitter; defaults to `Math.random`. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry), in ms, never below 1 ms.
 * With `retryAfter` it is that value cut to {@link MAX_RETRY_AFTER_MS}; otherwise a full-jitter
 * backoff: a random share of `min(maxDelayMs, 500 * 2^(attempt-1))`.
 */
export function computeRetryDelay(attempt: number, options: RetryDelayOptions = {}): number {
  if (options.retryAfter !== undefined && Number.isFinite(options.retryAfter)) {
    return Math.max(1, Math.min(MAX_RETRY_AFTER_MS, Math.round(options.retryAfter)));
  }
  const maxDelay = options.maxDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  const ceiling = Math.min(maxDelay, BASE_RETRY_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.max(1, Math.round(random() * ceiling));
}

/**
 * Reads a `Retry-After` header (RFC 9110 10.2.3): delay-seconds or an HTTP date. Returns the wait
 * in ms (0 for a date in the past), or undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date = new Date()): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** The effective retry settings of one request: the manifest's `retry` (seconds) over the defaults. */
export interface ResolvedRetryPolicy {
  limit: number;
  maxDelayMs: number;
}

/** Maps a manifest `retry: {limit, max_delay}` (max_delay in seconds) onto the defaults. */
export function resolveRetryPolicy(policy?: { limit?: number; max_delay?: number }): ResolvedRetryPolicy {
  return {
    limit: policy?.limit ?? DEFAULT_RETRY_LIMIT,
    maxDelayMs: policy?.max_delay !== undefined ? policy.max_delay * 1000 : DEFAULT_MAX_RETRY_DELAY_MS,
  };
}
