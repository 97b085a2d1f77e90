/**
 * The rate limit of one connection (DESIGN.md section 13 "Rate limits"): a token bucket that every
 * request of the connection takes a token from before it goes out (the manifest's
 * `rate_limit: {requests_per_second, burst}`), and a pause of the whole connection when an answer
 * says the API's limit is used up. Within one process only: two runs of the same connection each
 * have their own bucket.
 *
 * An answer pauses the connection when it carries
 * - `Retry-After` (delay-seconds or an HTTP date) on a 429 or 503, or
 * - a remaining count of 0 with a reset: `X-RateLimit-Remaining`/`X-RateLimit-Reset`,
 *   `RateLimit-Remaining`/`RateLimit-Reset`, or `RateLimit: limit=..., remaining=..., reset=...`
 *   (the IETF draft).
 * A reset above {@link EPOCH_SECONDS_THRESHOLD} (10^9, September 2001 as epoch seconds, 31 years as
 * a delta) is read as epoch seconds; a smaller one as seconds from now. Every pause is cut to
 * {@link MAX_RATE_LIMIT_PAUSE_MS}; one of {@link LONG_PAUSE_MS} or more is said on stderr.
 */
import type { Logger } from '../plugin-api.js';
import { parseRetryAfter } from './retry.js';

/** The longest pause an answer can impose on a connection; a longer reset is cut to this. */
export const MAX_RATE_LIMIT_PAUSE_MS = 60_000;
/** A pause at least this long is announced with a warning (stderr). */
export const LONG_PAUSE_MS = 5_000;
/** A reset value above this is epoch seconds; at or below it, seconds from now. */
export const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/** The manifest's `rate_limit`. */
export interface RateLimitSetting {
  /** Requests per second, > 0. */
  requests_per_second: number;
  /** Requests that may go out at once after a quiet spell, >= 1; default 1. */
  burst?: number;
}

export interface RateLimiterOptions {
  /** The token bucket; without it only the answers' headers pause the connection. */
  limit?: RateLimitSetting;
  /** Gets the warning when a pause is long. */
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Who is paused, for the warning (e.g. `connector "x", connection "default"`). */
  label?: string;
  /** The clock in ms; tests pass a fake. */
  now?: () => number;
  /** Waits; tests pass a fake that advances their clock. */
  sleep?: (ms: number) => Promise<void>;
}

type HeaderValue = string | string[] | number | undefined;
type Headers = Record<string, HeaderValue>;

function firstHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[0] : value).trim();
}

function readNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** A reset in ms from `now`: epoch seconds when above {@link EPOCH_SECONDS_THRESHOLD}, else delta seconds. */
export function resetDelayMs(reset: number, now: number): number {
  if (reset > EPOCH_SECONDS_THRESHOLD) return Math.max(0, reset * 1000 - now);
  return reset * 1000;
}

/** The remaining count and reset of an answer's rate-limit headers, whichever family it uses. */
export function readRateLimitHeaders(headers: Headers): { remaining?: number; reset?: number } {
  const combined = firstHeader(headers, 'ratelimit');
  if (combined !== undefined) {
    const fields: Record<string, number | undefined> = {};
    for (const part of combined.split(/[,;]/)) {
      const match = /^\s*(limit|remaining|reset)\s*=\s*"?([\d.]+)"?\s*$/i.exec(part);
      if (match) fields[match[1]!.toLowerCase()] = readNumber(match[2]);
    }
    if (fields.remaining !== undefined || fields.reset !== undefined) return { remaining: fields.remaining, reset: fields.reset };
  }
  for (const prefix of ['x-ratelimit-', 'ratelimit-']) {
    const remaining = readNumber(firstHeader(headers, `${prefix}remaining`));
    const reset = readNumber(firstHeader(headers, `${prefix}reset`));
    if (remaining !== undefined || reset !== undefined) return { remaining, reset };
  }
  return {};
}

/**
 * How long an answer asks the connection to wait, in ms, before its cap; undefined when it asks
 * nothing. `Retry-After` counts on a 429 or 503; otherwise a remaining count of 0 with a reset.
 */
export function pauseFromResponse(status: number, headers: Headers, now: number): number | undefined {
  if (status === 429 || status === 503) {
    const retryAfter = parseRetryAfter(headers['retry-after'] as string | string[] | undefined, new Date(now));
    if (retryAfter !== undefined) return retryAfter;
  }
  const { remaining, reset } = readRateLimitHeaders(headers);
  if (reset !== undefined && (remaining === 0 || (status === 429 && remaining === undefined))) return resetDelayMs(reset, now);
  return undefined;
}

/** The token bucket and pause of one connection, shared by all its requests. */
export class RateLimiter {
  private readonly rate: number | undefined;
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.rate = options.limit ? options.limit.requests_per_second / 1000 : undefined;
    this.capacity = options.limit?.burst ?? 1;
    this.tokens = this.capacity;
    this.refilledAt = this.now();
  }

  /**
   * Waits until the connection may send one more request (no pause, a token in the bucket), in
   * arrival order. An aborted `signal` (Ctrl-C) ends the wait with its reason.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Notes an answer: a 429 with `Retry-After`, or a used-up limit with a reset, pauses every request of the connection. */
  observe(status: number, headers: Headers): void {
    const now = this.now();
    const asked = pauseFromResponse(status, headers, now);
    if (asked === undefined || asked <= 0) return;
    const pause = Math.min(asked, MAX_RATE_LIMIT_PAUSE_MS);
    const until = now + pause;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    const seconds = Math.ceil(pause / 1000);
    const cut = asked > MAX_RATE_LIMIT_PAUSE_MS ? ` (the API asked ${Math.ceil(asked / 1000)} s; pauses are cut to ${MAX_RATE_LIMIT_PAUSE_MS / 1000} s)` : '';
    const message = `${this.options.label ?? 'the connection'}: rate limited (HTTP ${status}); pausing all its requests for ${seconds} s${cut}.`;
    if (pause >= LONG_PAUSE_MS) this.options.logger?.warn(message);
    else this.options.logger?.debug(message);
  }

  /** Sleeps, or rejects as soon as `signal` aborts. */
  private wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return this.sleep(ms);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.sleep(ms).then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      );
    });
  }

  private async take(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.wait(this.pausedUntil - now, signal);
        continue;
      }
      if (this.rate === undefined) return;
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.rate);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.wait(Math.max(1, Math.ceil((1 - this.tokens) / this.rate)), signal);
    }
  }
}
