import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from './client.js';
import {
  MAX_RATE_LIMIT_PAUSE_MS,
  RateLimiter,
  pauseFromResponse,
  readRateLimitHeaders,
  resetDelayMs,
} from './rate-limit.js';

/** A fake clock whose sleep advances it, so no test waits for real time. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

function recordingLogger() {
  const warnings: string[] = [];
  const debug: string[] = [];
  return { warnings, debug, logger: { warn: (m: string) => warnings.push(m), debug: (m: string) => debug.push(m) } };
}

describe('resetDelayMs', () => {
  const now = 1_700_000_000_000;
  it('reads small values as seconds from now and large ones as epoch seconds', () => {
    expect(resetDelayMs(30, now)).toBe(30_000);
    expect(resetDelayMs(1_000_000_000, now)).toBe(1_000_000_000_000); // the threshold itself is a delta
    expect(resetDelayMs(1_700_000_012, now)).toBe(12_000);
    expect(resetDelayMs(1_600_000_000, now)).toBe(0); // in the past
  });
});

describe('readRateLimitHeaders', () => {
  it('reads the X-RateLimit-*, RateLimit-* and combined RateLimit headers', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' })).toEqual({ remaining: 0, reset: 1_700_000_060 });
    expect(readRateLimitHeaders({ 'ratelimit-remaining': '3', 'ratelimit-reset': '7' })).toEqual({ remaining: 3, reset: 7 });
    expect(readRateLimitHeaders({ ratelimit: 'limit=100, remaining=0, reset=5' })).toEqual({ remaining: 0, reset: 5 });
    expect(readRateLimitHeaders({ ratelimit: 'limit=100;remaining="2";reset=9' })).toEqual({ remaining: 2, reset: 9 });
    expect(readRateLimitHeaders({ 'content-type': 'application/json' })).toEqual({});
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': 'lots' })).toEqual({});
  });
});

describe('pauseFromResponse', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('honours Retry-After on 429 and 503, in seconds or as an HTTP date', () => {
    expect(pauseFromResponse(429, { 'retry-after': '3' }, now)).toBe(3000);
    expect(pauseFromResponse(503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:20 GMT' }, now)).toBe(20_000);
    expect(pauseFromResponse(200, { 'retry-after': '3' }, now)).toBeUndefined();
  });
  it('pauses until the reset when nothing remains', () => {
    expect(pauseFromResponse(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' }, now)).toBe(4000);
    expect(pauseFromResponse(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 9) }, now)).toBe(9000);
    expect(pauseFromResponse(200, { ratelimit: 'limit=10, remaining=0, reset=2' }, now)).toBe(2000);
    expect(pauseFromResponse(429, { 'ratelimit-reset': '6' }, now)).toBe(6000);
  });
  it('does not pause while requests remain', () => {
    expect(pauseFromResponse(200, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '4' }, now)).toBeUndefined();
    expect(pauseFromResponse(200, { 'x-ratelimit-remaining': '0' }, now)).toBeUndefined();
  });
});

describe('RateLimiter token bucket', () => {
  it('lets a burst through, then one request per 1/R seconds', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ limit: { requests_per_second: 4, burst: 2 }, now: clock.now, sleep: clock.sleep });
    const start = clock.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire().then(() => times.push(clock.now() - start))));
    expect(times).toEqual([0, 0, 250, 500, 750, 1000]);
  });
  it('refills while idle, never above the burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ limit: { requests_per_second: 10, burst: 3 }, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 3; i += 1) await limiter.acquire();
    clock.advance(60_000);
    const start = clock.now();
    for (let i = 0; i < 4; i += 1) await limiter.acquire();
    expect(clock.now() - start).toBe(100);
  });
  it('takes fractions of a request per second', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ limit: { requests_per_second: 0.5 }, now: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([2000]);
  });
  it('without a limit, lets every request through at once', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    expect(clock.sleeps).toEqual([]);
  });
});

describe('RateLimiter pauses', () => {
  it('holds every waiting request until the reset, and says so on stderr when long', async () => {
    const clock = fakeClock();
    const { logger, warnings } = recordingLogger();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep, logger, label: 'connector "x", connection "default"' });
    limiter.observe(429, { 'retry-after': '10' });
    const start = clock.now();
    const times: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.acquire().then(() => times.push(clock.now() - start))));
    expect(times).toEqual([10_000, 10_000, 10_000]);
    expect(warnings).toEqual(['connector "x", connection "default": rate limited (HTTP 429); pausing all its requests for 10 s.']);
  });
  it('says a short pause at debug level only', () => {
    const clock = fakeClock();
    const { logger, warnings, debug } = recordingLogger();
    new RateLimiter({ now: clock.now, sleep: clock.sleep, logger }).observe(429, { 'retry-after': '1' });
    expect(warnings).toEqual([]);
    expect(debug).toHaveLength(1);
  });
  it('cuts a pause to the documented maximum', async () => {
    const clock = fakeClock();
    const { logger, warnings } = recordingLogger();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep, logger });
    limiter.observe(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(clock.now() / 1000 + 3600) });
    const start = clock.now();
    await limiter.acquire();
    expect(clock.now() - start).toBe(MAX_RATE_LIMIT_PAUSE_MS);
    expect(warnings[0]).toContain('the API asked 3600 s; pauses are cut to 60 s');
  });
  it('keeps the later of two pauses', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    limiter.observe(429, { 'retry-after': '8' });
    limiter.observe(429, { 'retry-after': '2' });
    const start = clock.now();
    await limiter.acquire();
    expect(clock.now() - start).toBe(8000);
  });
  it('ignores answers that ask nothing, and resets in the past', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    limiter.observe(200, {});
    limiter.observe(500, { 'retry-after': 'soon' });
    limiter.observe(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1600000000' });
    await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
  });
});

describe('the HTTP client with a rate limiter', () => {
  const API = 'https://api.example.com';
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  it('pauses the other requests of the connection after one gets a 429 with Retry-After', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const seen: Array<[string, number]> = [];
    const start = clock.now();
    nock(API)
      .get('/a')
      .reply(() => {
        seen.push(['a', clock.now() - start]);
        return [429, 'slow down', { 'Retry-After': '7' }];
      })
      .get('/a')
      .reply(() => {
        seen.push(['a', clock.now() - start]);
        return [200, '{}'];
      })
      .get('/b')
      .reply(() => {
        seen.push(['b', clock.now() - start]);
        return [200, '{}'];
      });
    // The retry's own backoff is a no-op here, so every wait seen is the limiter's.
    const client = createRuntimeHttpClient({ rateLimiter: limiter, sleep: async () => undefined, random: () => 0.5 });
    expect((await client.request({ url: `${API}/a` })).status).toBe(200);
    expect((await client.request({ url: `${API}/b` })).status).toBe(200);
    expect(seen).toEqual([
      ['a', 0],
      ['a', 7000],
      ['b', 7000],
    ]);
  });

  it('spaces requests by the token bucket, streamed ones too', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ limit: { requests_per_second: 2 }, now: clock.now, sleep: clock.sleep });
    const times: number[] = [];
    const start = clock.now();
    nock(API)
      .get('/page')
      .times(3)
      .reply(() => {
        times.push(clock.now() - start);
        return [200, '[]'];
      });
    const client = createRuntimeHttpClient({ rateLimiter: limiter });
    await client.request({ url: `${API}/page` });
    const streamed = await client.stream({ url: `${API}/page` });
    for await (const chunk of streamed.body) void chunk;
    await client.request({ url: `${API}/page` });
    expect(times).toEqual([0, 500, 1000]);
  });

  it('reads a used-up limit from a streamed answer', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    nock(API).get('/page').reply(200, '[]', { 'RateLimit': 'limit=5, remaining=0, reset=3' }).get('/next').reply(200, '[]');
    const client = createRuntimeHttpClient({ rateLimiter: limiter });
    const streamed = await client.stream({ url: `${API}/page` });
    for await (const chunk of streamed.body) void chunk;
    const start = clock.now();
    await client.request({ url: `${API}/next` });
    expect(clock.now() - start).toBe(3000);
  });
});

describe('RateLimiter and Ctrl-C', () => {
  it('ends a wait when the signal aborts, and lets the next request through after the pause', async () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, sleep: () => new Promise(() => undefined) });
    limiter.observe(429, { 'retry-after': '30' });
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    now = 31_000;
    await limiter.acquire();
  });
});
