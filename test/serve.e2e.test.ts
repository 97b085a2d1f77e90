/**
 * `connectors serve` end to end (DESIGN.md section 9): the built CLI as a child process against a
 * local token endpoint with refresh-token rotation and an API behind it. Caller auth (401 with
 * `WWW-Authenticate: Bearer`, 403 before existence, 404), the connections list, the proxy's rules
 * (dropped caller headers, path containment, `proxy.allow`, redirects, Set-Cookie into the jar,
 * redaction, 502/503/504), credentials, metrics, the audit log, the listening refusals, and a scan
 * of everything it printed for every secret value.
 */
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, runCli } from './helpers/cli.js';
import { secretEnvName } from './helpers/manifests.js';
import { addCaller, callServe, rawRequest, startServe, writeOAuthConnector, type RunningServe } from './helpers/serve.js';
import { startRotatingOAuth } from './servers/rotating-oauth.js';

const CLIENT_ID = 'serve-client-id';
const CLIENT_SECRET = 'serve-client-secret-9Hq2';
const SEED_REFRESH = 'rt_seed_refresh_token_value';

let home: string;
let cleanup: () => void;
let api: Awaited<ReturnType<typeof startRotatingOAuth>>;
let serve: RunningServe | undefined;
let env: Record<string, string>;
let keys: Record<string, string>;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  api = await startRotatingOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: ['acme', 'narrow', 'offline'].map((name) => `${SEED_REFRESH}_${name}`) });
  const catalog = join(home, 'catalog');
  writeOAuthConnector(catalog, 'acme', api.tokenUrl, api.url);
  writeOAuthConnector(catalog, 'narrow', api.tokenUrl, api.url, 'proxy:\n  allow:\n    - {method: GET, path: "/echo/customer/**"}\n');
  writeOAuthConnector(catalog, 'nosecrets', api.tokenUrl, api.url);
  writeOAuthConnector(catalog, 'offline', api.tokenUrl, 'http://127.0.0.1:9');
  env = { CONNECTORS_HOME: home, CONNECTORS_CATALOG: catalog };
  for (const connector of ['acme', 'narrow', 'offline']) {
    env[secretEnvName(connector, 'client_id')] = CLIENT_ID;
    env[secretEnvName(connector, 'client_secret')] = CLIENT_SECRET;
    env[secretEnvName(connector, 'oauth_refresh_token')] = `${SEED_REFRESH}_${connector}`;
  }
  // nosecrets has a stored connection but no client secret anywhere
  await runCli(['secrets', 'set', 'nosecrets', 'client_id', '--value', CLIENT_ID], { env });
  keys = {
    all: await addCaller(env, 'all', ['--allow', '*/*', '--credentials', '--metrics']),
    acme: await addCaller(env, 'acme-only', ['--allow', 'acme/*']),
    other: await addCaller(env, 'other', ['--allow', 'zzz/*']),
  };
});

afterEach(async () => {
  if (serve) await serve.stop('SIGKILL');
  serve = undefined;
  await api.close();
  cleanup();
});

function scanForSecrets(output: string): void {
  const secrets = [CLIENT_SECRET, SEED_REFRESH, ...api.state.issued, ...Object.values(keys), ...Object.values(keys).map((key) => key.slice(3))];
  expect(findLeaks(output, secrets)).toEqual([]);
  expect(output).not.toMatch(/\n\s+at /);
}

describe('callers', () => {
  it('health checks need no caller; everything else is 401 with WWW-Authenticate: Bearer, 403 before 404', async () => {
    serve = await startServe(env);
    expect(await (await callServe(serve, '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await callServe(serve, '/readyz')).status).toBe(200);

    for (const token of [undefined, 'ck_notakey', `${keys.all!.slice(0, -1)}${keys.all!.endsWith('A') ? 'B' : 'A'}`, 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      const response = await callServe(serve, '/v1/connections', token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
    // not covered: 403, whether or not it exists
    expect((await callServe(serve, '/v1/proxy/acme/default/echo/x', keys.other)).status).toBe(403);
    expect((await callServe(serve, '/v1/proxy/ghost/nobody/echo/x', keys.other)).status).toBe(403);
    // covered but missing: 404
    expect((await callServe(serve, '/v1/proxy/acme/nobody/echo/x', keys.acme)).status).toBe(404);
    expect((await callServe(serve, '/v1/proxy/ghost/default/echo/x', keys.all)).status).toBe(404);
    expect(api.state.apiRequests).toBe(0);

    const listed = (await (await callServe(serve, '/v1/connections', keys.acme)).json()) as Array<Record<string, unknown>>;
    expect(listed).toEqual([{ connector: 'acme', connection: 'default', scheme: 'oauth2', status: 'missing' }]);
    const everything = (await (await callServe(serve, '/v1/connections', keys.all)).json()) as Array<Record<string, unknown>>;
    expect(everything.map((entry) => `${entry.connector}/${entry.connection}`)).toEqual(['acme/default', 'narrow/default', 'nosecrets/default', 'offline/default']);
    scanForSecrets(serve.output());
  });
});

describe('the proxy', () => {
  it('forwards with the scheme applied, drops the caller\'s credentials and forwarding headers, keeps the query', async () => {
    serve = await startServe(env);
    const response = await callServe(serve, '/v1/proxy/acme/default/echo/customers?page=2&key=abc', keys.acme, {
      method: 'POST',
      headers: { cookie: 'mine=1', 'x-forwarded-for': '10.0.0.1', forwarded: 'for=x', 'proxy-authorization': 'Basic eA==', 'x-custom': 'kept', 'content-type': 'text/plain', 'x-connector': 'spoofed' },
      body: 'hello',
    });
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as { method: string; path: string; query: string; headers: Record<string, string>; bodyLength: number };
    expect(echoed).toMatchObject({ method: 'POST', path: '/echo/customers', query: '?page=2&key=abc', bodyLength: 5 });
    expect(echoed.headers.authorization).toMatch(/^Bearer at_/);
    expect(echoed.headers['x-custom']).toBe('kept');
    expect(echoed.headers['x-connector']).toBe('acme');
    for (const dropped of ['cookie', 'x-forwarded-for', 'forwarded', 'proxy-authorization']) expect(echoed.headers[dropped]).toBeUndefined();
    expect(api.state.tokenRequests).toBe(1);

    const deadline = Date.now() + 5000;
    while (!serve.lines().some((line) => line.path === '/echo/customers') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const audit = serve.lines().filter((line) => line.path === '/echo/customers');
    expect(audit).toEqual([expect.objectContaining({ caller: 'acme-only', method: 'POST', connector: 'acme', connection: 'default', status: 200, upstreamStatus: 200 })]);
    expect(serve.output()).not.toContain('page=2');
    scanForSecrets(serve.output() + JSON.stringify(echoed.headers['x-custom']));
  });

  it('refuses paths that climb out of base_url or are absolute (400) and paths outside proxy.allow (403), with no upstream request', async () => {
    serve = await startServe(env);
    const auth = { authorization: `Bearer ${keys.all}` };
    for (const path of ['/v1/proxy/acme/default/../secret', '/v1/proxy/acme/default/echo/%2e%2e/%2E%2E/x', '/v1/proxy/acme/default/echo%2F..%2F..%2Fx', '/v1/proxy/acme/default/echo/..%5C..%5Cx', '/v1/proxy/acme/default/http://evil.example/', '/v1/proxy/acme/default//evil.example/x', '/v1/proxy/acme/default/%zz']) {
      const answer = await rawRequest(serve, 'GET', path, auth);
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: 'bad_path', message: expect.any(String) });
    }
    expect((await callServe(serve, '/v1/proxy/narrow/default/echo/customer/7', keys.all)).status).toBe(200);
    expect((await callServe(serve, '/v1/proxy/narrow/default/echo/customer', keys.all)).status).toBe(200);
    const before = api.state.apiRequests;
    expect((await callServe(serve, '/v1/proxy/narrow/default/echo/invoice/7', keys.all)).status).toBe(403);
    expect((await callServe(serve, '/v1/proxy/narrow/default/echo/customer/7', keys.all, { method: 'DELETE' })).status).toBe(403);
    expect(api.state.apiRequests).toBe(before);
  });

  it('returns redirects unfollowed with the secret in Location redacted; redacts error bodies and headers; keeps Set-Cookie in the jar', async () => {
    serve = await startServe(env);
    const redirect = await callServe(serve, '/v1/proxy/acme/default/redirect', keys.all);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://elsewhere.example/cb?token=***');

    const leak = await callServe(serve, '/v1/proxy/acme/default/leak', keys.all);
    expect(leak.status).toBe(400);
    expect(await leak.json()).toEqual({ error: 'bad_request', message: 'token *** is not allowed here' });
    expect(leak.headers.get('x-debug')).toBe('seen ***');

    const first = await callServe(serve, '/v1/proxy/acme/default/cookie', keys.all);
    expect(first.headers.get('set-cookie')).toBeNull();
    expect(await first.json()).toEqual({ cookie: null });
    const second = await callServe(serve, '/v1/proxy/acme/default/cookie', keys.all);
    expect(await second.json()).toEqual({ cookie: 'sid=abc123def' });
    scanForSecrets(serve.output());
  });

  it('renews once and retries once after an upstream 401', async () => {
    serve = await startServe(env);
    expect((await callServe(serve, '/v1/proxy/acme/default/echo/a', keys.all)).status).toBe(200);
    api.state.liveAccess.clear(); // the provider revoked every access token
    const retried = await callServe(serve, '/v1/proxy/acme/default/echo/b', keys.all, { method: 'PUT', body: 'x'.repeat(1000), headers: { 'content-type': 'text/plain' } });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { bodyLength: number }).bodyLength).toBe(1000);
    expect(api.state.tokenRequests).toBe(2);
    expect(api.state.invalidGrants).toBe(0);
  });

  it('streams a large body up (not retried) and a large answer down', async () => {
    serve = await startServe(env);
    const body = Buffer.alloc(3 * 1024 * 1024, 98);
    const up = await callServe(serve, '/v1/proxy/acme/default/echo/upload', keys.all, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    expect(up.status).toBe(200);
    expect(((await up.json()) as { bodyLength: number }).bodyLength).toBe(body.length);
    api.state.bigBytes = 5 * 1024 * 1024;
    const down = await callServe(serve, '/v1/proxy/acme/default/big', keys.all);
    expect(down.status).toBe(200);
    expect((await down.arrayBuffer()).byteLength).toBe(api.state.bigBytes);
  });

  it('answers 502 naming the unreachable upstream host and 503 naming a missing secret, then keeps serving', async () => {
    serve = await startServe(env);
    const offline = await callServe(serve, '/v1/proxy/offline/default/echo/x', keys.all);
    expect(offline.status).toBe(502);
    expect(await offline.json()).toEqual({ error: 'upstream_unreachable', message: 'The upstream host 127.0.0.1:9 could not be reached (ECONNREFUSED).' });
    const missing = await callServe(serve, '/v1/proxy/nosecrets/default/echo/x', keys.all);
    expect(missing.status).toBe(503);
    const answer = (await missing.json()) as { error: string; message: string };
    expect(answer.error).toBe('missing_secret');
    expect(answer.message).toContain('client_secret');
    expect((await callServe(serve, '/v1/proxy/acme/default/echo/x', keys.all)).status).toBe(200);
    scanForSecrets(serve.output());
  });
});

describe('credentials and metrics', () => {
  it('gives --credentials callers what gets sent, never the refresh token; others 403', async () => {
    serve = await startServe(env);
    const denied = await callServe(serve, '/v1/connections/acme/default/credentials', keys.acme, { method: 'POST' });
    expect(denied.status).toBe(403);
    const response = await callServe(serve, '/v1/connections/acme/default/credentials', keys.all, { method: 'POST' });
    expect(response.status).toBe(200);
    const text = await response.text();
    const credentials = JSON.parse(text) as { headers: Record<string, string>; query: Record<string, string>; expiresAt: string };
    expect(credentials.headers).toEqual({ authorization: expect.stringMatching(/^Bearer at_/) });
    expect(credentials.query).toEqual({});
    expect(Date.parse(credentials.expiresAt)).toBeGreaterThan(Date.now());
    for (const value of api.state.issued.filter((token) => token.startsWith('rt_'))) expect(text).not.toContain(value);
    expect(text).not.toContain(CLIENT_SECRET);
  });

  it('serves Prometheus metrics to --metrics callers only', async () => {
    serve = await startServe(env);
    await callServe(serve, '/v1/proxy/acme/default/echo/x', keys.all);
    expect((await callServe(serve, '/metrics', keys.acme)).status).toBe(403);
    const metrics = await callServe(serve, '/metrics', keys.all);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    for (const name of ['connectors_renewals_total', 'connectors_session_expiry_seconds', 'connectors_proxy_requests_total', 'connectors_proxy_duration_seconds_bucket', 'connectors_upstream_duration_seconds_bucket']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('connectors_proxy_requests_total{connector="acme",code="200"} 1');
  });
});

describe('listening', () => {
  it('refuses a non-loopback host without TLS (exit 2) and a port in use (exit 1), one sentence each', async () => {
    const refused = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/without TLS/);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const inUse = await runCli(['serve', '--port', String(port)], { env });
      expect(inUse.code).toBe(1);
      expect(inUse.stderr.trim()).toBe(`Error: The port ${port} on 127.0.0.1 is already in use.`);
    } finally {
      blocker.close();
    }
  });

  it('takes its defaults from serve: in connectors.config.yaml and refuses an invalid one with file:line:col', async () => {
    const project = join(home, 'project');
    mkdirSync(project, { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(project, 'connectors.config.yaml'), 'serve:\n  host: 127.0.0.1\n  port: "many"\n');
    const bad = await runCli(['serve'], { env, cwd: project });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/connectors\.config\.yaml:3:\d+/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('drains a request in flight on SIGTERM and exits 0', async () => {
    serve = await startServe(env);
    api.state.slowMs = 1500;
    const slow = callServe(serve, '/v1/proxy/acme/default/slow', keys.all);
    while (api.state.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const stopped = Date.now();
    const exit = serve.stop('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await exit).toEqual({ code: 0, signal: null });
    // the 1.5 s request, not the 10 s drain limit, decides when it exits (wide margin)
    expect(Date.now() - stopped).toBeLessThan(8000);
    serve = undefined;
  });
});
