/**
 * `connectors serve` keeping sessions fresh (DESIGN.md section 9 "Renewal ahead of time"), end to
 * end: the built CLI as a child process against a local token endpoint that rotates refresh tokens
 * honestly (a spent one is `invalid_grant`) and an API behind it. Forty concurrent proxied requests
 * across several short token lifetimes make one token request per renewal; a served connection with
 * no traffic is renewed before it expires and the store then holds the new session; a `serve`
 * killed with SIGKILL during or just after a renewal never loses the rotated refresh token. Every
 * byte each process printed is scanned for every secret value.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, runCli } from './helpers/cli.js';
import { secretEnvName } from './helpers/manifests.js';
import { addCaller, callServe, startServe, writeOAuthConnector, type RunningServe } from './helpers/serve.js';
import { startRotatingOAuth } from './servers/rotating-oauth.js';

const CLIENT_ID = 'renewal-client-id';
const CLIENT_SECRET = 'renewal-client-secret-Zp41';
const SEED_REFRESH = 'rt_seed_renewal_refresh_value';

let home: string;
let cleanup: () => void;
let api: Awaited<ReturnType<typeof startRotatingOAuth>>;
let env: Record<string, string>;
let key: string;
const running: RunningServe[] = [];
/** Everything every process of the test printed. */
let printed: string;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  api = await startRotatingOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [SEED_REFRESH] });
  const catalog = join(home, 'catalog');
  env = { CONNECTORS_HOME: home, CONNECTORS_CATALOG: catalog };
  env[secretEnvName('acme', 'client_id')] = CLIENT_ID;
  env[secretEnvName('acme', 'client_secret')] = CLIENT_SECRET;
  env[secretEnvName('acme', 'oauth_refresh_token')] = SEED_REFRESH;
  writeOAuthConnector(catalog, 'acme', api.tokenUrl, api.url, '', '  refresh_before: 2\n');
  key = await addCaller(env, 'renewals', ['--allow', 'acme/*']);
  printed = '';
});

afterEach(async () => {
  for (const serve of running.splice(0)) await serve.stop('SIGKILL');
  await api.close();
  cleanup();
});

async function serveUp(): Promise<RunningServe> {
  const serve = await startServe(env);
  running.push(serve);
  return serve;
}

/** Kills `serve` with SIGKILL and keeps what it printed for the leak scan. */
async function kill(serve: RunningServe): Promise<void> {
  expect(await serve.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
  running.splice(running.indexOf(serve), 1);
  printed += serve.output();
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function renewals(serve: RunningServe): Array<Record<string, unknown>> {
  return serve.lines().filter((line) => line.event === 'renewal');
}

/** `connectors auth status acme --json`: the stored session, never a value. */
async function storedSession(): Promise<{ savedAt: string; expiresAt?: string; secrets: string[] } | undefined> {
  const status = await runCli(['auth', 'status', 'acme', '--json'], { env });
  expect(status.code).toBe(0);
  printed += status.stdout + status.stderr;
  return (JSON.parse(status.stdout) as { session?: { savedAt: string; expiresAt?: string; secrets: string[] } }).session;
}

/** The refresh token the token server issued last. */
function lastIssuedRefresh(): string {
  return api.state.issued.filter((token) => token.startsWith('rt_')).at(-1)!;
}

/** Every refresh token ever presented was live, none twice: one token request per renewal, no lost rotation. */
function expectHonestChain(): void {
  expect(api.state.invalidGrants).toBe(0);
  expect(api.state.presented.every((entry) => entry.live)).toBe(true);
  const tokens = api.state.presented.map((entry) => entry.token);
  expect(new Set(tokens).size).toBe(tokens.length);
}

/**
 * The store holds the refresh token of the last renewal: with every access token revoked, a new
 * `serve` gets a 401 upstream, renews with the stored refresh token, and the retry succeeds.
 */
async function expectStoredRefreshWorks(): Promise<void> {
  const rotated = lastIssuedRefresh();
  const presented = api.state.presented.length;
  const serve = await serveUp();
  api.state.liveAccess.clear();
  const response = await callServe(serve, '/v1/proxy/acme/default/echo/revoked', key);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  await kill(serve);
  // its first token request presents what the store held (a renewal ahead may follow the 401's)
  expect(api.state.presented[presented]?.token).toBe(rotated);
  expectHonestChain();
}

function scanForSecrets(output: string): void {
  const secrets = [CLIENT_SECRET, SEED_REFRESH, key, key.slice(3), ...api.state.issued];
  expect(findLeaks(output, secrets)).toEqual([]);
  expect(output).not.toMatch(/\n\s+at /);
}

describe('renewal ahead of time under load', () => {
  it('40 concurrent proxied requests across several 3 s token lifetimes: all succeed, one token request per renewal', async () => {
    api.state.expiresIn = 3; // window min(2, 3 / 2) = 1.5 s: renewed about 1.5 s after each issue
    api.state.slowMs = 1000;
    const serve = await serveUp();
    // the first use makes the session, and its renewal timer is armed at once (not at the next rescan)
    expect((await callServe(serve, '/v1/proxy/acme/default/echo/first', key)).status).toBe(200);
    await waitFor(async () => {
      const listed = (await (await callServe(serve, '/v1/connections', key)).json()) as Array<{ status: string }>;
      return listed[0]?.status !== 'missing';
    }, 'the new session is tracked', 10_000);
    const started = Date.now();
    const answers: Array<Promise<number>> = [];
    // four waves of ten requests at once, 2.5 s apart, each request held 1 s by the API: about 9 s, three lifetimes
    for (let wave = 0; wave < 4; wave += 1) {
      if (wave > 0) await new Promise((resolve) => setTimeout(resolve, 2500));
      for (let i = 0; i < 10; i += 1) {
        answers.push(callServe(serve, '/v1/proxy/acme/default/slow', key).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }));
      }
    }
    const statuses = await Promise.all(answers);
    const elapsed = Date.now() - started;
    expect(statuses).toEqual(Array.from({ length: 40 }, () => 200));
    expect(api.state.usedAccess.size).toBeGreaterThanOrEqual(2); // the requests spanned at least one renewal
    await waitFor(() => api.state.delayedRequests === 0, 'no token request is pending');
    expectHonestChain();
    expect(api.state.tokenRequests).toBeGreaterThanOrEqual(3); // the first use and at least two renewals
    expect(renewals(serve).length).toBeGreaterThan(0);
    expect(renewals(serve).every((line) => line.result === 'ok')).toBe(true);
    printed += serve.output();
    scanForSecrets(printed);
    console.info(`40 requests over ${elapsed} ms: ${api.state.tokenRequests} token requests, ${api.state.usedAccess.size} access tokens used, ${api.state.apiRequests} API requests`);
  });

  it('renews a connection nobody uses before it expires, and the store then holds the new session', async () => {
    api.state.expiresIn = 8; // window 2 s: due 6 s after issue, 2 s before expiry
    const check = await runCli(['check', 'acme'], { env });
    expect(check.code).toBe(0);
    printed += check.stdout + check.stderr;
    const before = await storedSession();
    expect(before?.expiresAt).toBeDefined();
    expect(before?.secrets).toContain('oauth_refresh_token');
    const expiresAt = Date.parse(before!.expiresAt!);
    expect(api.state.tokenRequests).toBe(1);

    const serve = await serveUp();
    await waitFor(() => api.state.tokenRequests === 2, 'serve renewed the session', 20_000);
    const renewedAt = Date.now();
    expect(renewedAt).toBeLessThan(expiresAt); // renewed ahead of expiry, not after it
    expect(api.state.apiRequests).toBe(0); // with no traffic at all
    await waitFor(() => renewals(serve).some((line) => line.result === 'ok'), 'the renewal is logged');

    const after = await storedSession();
    expect(Date.parse(after!.expiresAt!)).toBeGreaterThan(expiresAt);
    expect(after!.savedAt).not.toBe(before!.savedAt);
    const listed = (await (await callServe(serve, '/v1/connections', key)).json()) as Array<{ connector: string; status: string; expiresAt?: string }>;
    expect(listed).toEqual([expect.objectContaining({ connector: 'acme', connection: 'default', status: 'fresh', expiresAt: after!.expiresAt })]);
    expectHonestChain();

    // the stored session holds the rotated refresh token: a new process renews with it
    await kill(serve);
    await expectStoredRefreshWorks();
    scanForSecrets(printed);
  });
});

describe('serve killed with SIGKILL around a renewal', () => {
  /** Makes the stored session with `connectors check`, 4 s lifetime: due 2 s later. */
  async function storeShortSession(): Promise<void> {
    api.state.expiresIn = 4;
    const check = await runCli(['check', 'acme'], { env });
    printed += check.stdout + check.stderr;
    expect(check.code).toBe(0);
    expect(api.state.tokenRequests).toBe(1);
  }

  /** A second serve on the same store renews, and the session it stores works upstream. */
  async function expectNextServeRenews(): Promise<void> {
    const tokenRequests = api.state.tokenRequests;
    const next = await serveUp();
    await waitFor(() => renewals(next).length > 0 || api.state.tokenRequests > tokenRequests + 1, 'the next serve renewed', 30_000);
    await waitFor(() => renewals(next).length > 0, 'the renewal is logged');
    expect(renewals(next)[0]).toMatchObject({ connector: 'acme', connection: 'default', result: 'ok' });
    const proxied = await callServe(next, '/v1/proxy/acme/default/echo/after', key);
    expect(proxied.status).toBe(200);
    await proxied.arrayBuffer();
    await kill(next);
    expectHonestChain();
    await expectStoredRefreshWorks();
  }

  it('while the refresh is in flight: the refresh token was never spent, and the next serve renews with it', async () => {
    await storeShortSession();
    const stored = lastIssuedRefresh();
    api.state.tokenDelayMs = 4000;
    const serve = await serveUp();
    await waitFor(() => api.state.delayedRequests === 1, 'the renewal reached the token server');
    await kill(serve);
    await waitFor(() => api.state.abandoned === 1, 'the token server dropped the abandoned request');
    expect(api.state.liveRefresh.has(stored)).toBe(true);
    api.state.tokenDelayMs = 0;
    await expectNextServeRenews();
    expect(api.state.presented.map((entry) => entry.token)).toContain(stored);
    scanForSecrets(printed);
  });

  it('just after the rotation was answered: the new refresh token was stored, and the next serve renews with it', async () => {
    await storeShortSession();
    const serve = await serveUp();
    await waitFor(() => renewals(serve).length > 0, 'serve renewed');
    await kill(serve); // the renewal line is written once the session is stored
    const rotated = lastIssuedRefresh();
    expect(api.state.tokenRequests).toBe(2);
    await expectNextServeRenews();
    expect(api.state.presented[2]?.token).toBe(rotated);
    scanForSecrets(printed);
  });
});
