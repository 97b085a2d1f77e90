// `rate_limit` (DESIGN.md section 13 "Rate limits") against a local API that counts requests per
// second and answers 429 with Retry-After when over its limit: with a rate well under that limit
// the run never gets a 429 and completes; a used-up `X-RateLimit-Remaining` pauses the connection's
// next request until the reset; a long Retry-After is said on stderr; a bad rate is file:line:col.
// Timing assertions are lower bounds the limiter guarantees, never tight upper ones.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, type TestContext } from 'vitest';
import { makeHome, parseLines, runCli } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';

const PAGE_SIZE = 10;

interface ServerOptions {
  total: number;
  /** Requests allowed in any 1 s window; one more is answered 429 with `Retry-After: 1`. */
  perSecond: number;
  /** Extra headers of the answer to request number n (1-based), e.g. a used-up limit. */
  headersFor?: (n: number) => Record<string, string>;
  /** Answers request number n with 429 and this Retry-After instead. */
  retryAfterFor?: (n: number) => string | undefined;
}

async function startCountingServer(t: TestContext, options: ServerOptions) {
  const arrivals: number[] = [];
  const answers: Array<{ at: number; status: number; page: number }> = [];
  const server = createServer((req, res) => {
    req.resume();
    const now = Date.now();
    arrivals.push(now);
    const n = arrivals.length;
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
    const inLastSecond = arrivals.filter((at) => at > now - 1000).length;
    const asked = options.retryAfterFor?.(n);
    if (asked !== undefined || inLastSecond > options.perSecond) {
      answers.push({ at: now, status: 429, page });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': asked ?? '1' });
      res.end('{"error": "too many requests"}');
      return;
    }
    answers.push({ at: now, status: 200, page });
    const from = (page - 1) * PAGE_SIZE;
    const data = Array.from({ length: Math.max(0, Math.min(PAGE_SIZE, options.total - from)) }, (_, i) => ({ id: from + i + 1 }));
    res.writeHead(200, { 'content-type': 'application/json', ...options.headersFor?.(n) });
    res.end(JSON.stringify({ data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answers };
}

const manifest = (top: string) => `apiVersion: connectors/v1
name: limited
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth: {scheme: none}
base_url: "{{ config.base_url }}"
retry: {limit: 10, max_delay: 0.2}
${top}
streams:
  - name: items
    path: /items
    records: data
    primary_key: id
    pagination: {type: page, page_param: page, size_param: per_page, page_size: ${PAGE_SIZE}}
`;

const ids = (stdout: string): number[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'RECORD')
    .map((line) => (line.record as { id: number }).id);
const range = (to: number): number[] => Array.from({ length: to }, (_, i) => i + 1);

async function run(t: TestContext, top: string, url: string) {
  const { home, cleanup } = makeHome();
  t.onTestFinished(() => cleanup());
  const file = writeManifest(home, 'limited', manifest(top));
  const started = Date.now();
  const result = await runCli(['run', file, '--config', `base_url=${url}`], { env: { CONNECTORS_HOME: home }, timeoutMs: 60_000 });
  return { ...result, elapsed: Date.now() - started, file };
}

describe('rate_limit', () => {
  it('stays under the API limit: no 429, every page read once, in order', async (t) => {
    // 12 pages; the API allows 10 a second, the bucket lets through at most burst + R = 6 in any second.
    const server = await startCountingServer(t, { total: 115, perSecond: 10 });
    const result = await run(t, 'rate_limit: {requests_per_second: 5, burst: 1}', server.url);
    expect(result.stderr).not.toMatch(/^\s+at\s/m);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(range(115));
    expect(server.answers.filter((a) => a.status === 429)).toEqual([]);
    expect(server.answers.map((a) => a.page)).toEqual(range(12));
    // 11 waits of 1/5 s at the least.
    expect(server.answers.at(-1)!.at - server.answers[0]!.at).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('without rate_limit the same run bursts into 429s, retries after Retry-After and still completes', async (t) => {
    const server = await startCountingServer(t, { total: 115, perSecond: 4 });
    const result = await run(t, '', server.url);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(range(115));
    expect(server.answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
  }, 60_000);

  it('a used-up X-RateLimit-Remaining holds the next request until the reset (epoch seconds)', async (t) => {
    const server = await startCountingServer(t, {
      total: 25,
      perSecond: 100,
      // After the first page: nothing remains until the start of the second after next.
      headersFor: (n) => (n === 1 ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2) } : {}),
    });
    const result = await run(t, '', server.url);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(range(25));
    expect(server.answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // The reset is at least one whole second after the first answer.
    expect(server.answers[1]!.at - server.answers[0]!.at).toBeGreaterThanOrEqual(950);
  }, 60_000);

  it('a long Retry-After pauses the connection and says so on stderr', async (t) => {
    const server = await startCountingServer(t, { total: 15, perSecond: 100, retryAfterFor: (n) => (n === 1 ? '5' : undefined) });
    const result = await run(t, 'rate_limit: {requests_per_second: 20, burst: 5}', server.url);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(range(15));
    expect(result.stderr).toContain('connector "limited", connection "default": rate limited (HTTP 429); pausing all its requests for 5 s.');
    expect(server.answers[1]!.at - server.answers[0]!.at).toBeGreaterThanOrEqual(4900);
  }, 60_000);

  it('validate and run refuse requests_per_second <= 0 and burst < 1 at file:line:col', async (t) => {
    const { home, cleanup } = makeHome();
    t.onTestFinished(() => cleanup());
    const zero = writeManifest(home, 'zero', manifest('rate_limit: {requests_per_second: 0}'));
    const validated = await runCli(['validate', zero]);
    expect(validated.code).toBe(1);
    expect(validated.stdout + validated.stderr).toContain(`${zero}:10:35: rate_limit.requests_per_second: must be > 0, got 0`);
    const burst = writeManifest(home, 'burst', manifest('rate_limit: {requests_per_second: 2, burst: 0}'));
    const ran = await runCli(['run', burst, '--config', 'base_url=http://127.0.0.1:9'], { env: { CONNECTORS_HOME: home } });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain(`${burst}:10:45: rate_limit.burst: must be >= 1, got 0`);
    expect(ran.stderr).not.toMatch(/^\s+at\s/m);
  }, 30_000);
});
