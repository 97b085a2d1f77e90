/**
 * Sessions across processes (DESIGN.md section 5, section 8 "Lock", "Dead lock holders"): six CLI
 * processes started together with an empty session make one token request between them, and a
 * process killed with SIGKILL in the middle of a renewal leaves the store readable, the refresh
 * token usable, and its lock taken over at once by the next process. Against oidc-provider.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, findLeaks, makeHome, repoRoot, runCli } from './helpers/cli.js';
import { oauth2Manifest, secretEnvName, writeManifest } from './helpers/manifests.js';
import { oidcClientEnv, startOidc, type OidcServer } from './helpers/oidc.js';
import { clockOffsetEnv } from './helpers/scheme-e2e.js';

let oidc: OidcServer | undefined;
let home: string;
let cleanup: () => void;

beforeEach(() => {
  ({ home, cleanup } = makeHome());
});

afterEach(async () => {
  await oidc?.close();
  oidc = undefined;
  cleanup();
});

const clientEnv = (server: OidcServer, connector: string): Record<string, string> => oidcClientEnv(server, connector, home);

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('six processes renewing one empty connection at once', () => {
  it('client_credentials: exactly one token request, all six succeed with the same token', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'race_cc', oauth2Manifest('race_cc', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const env = clientEnv(server, 'race_cc');
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runCli(['check', file, '--config', `base_url=${server.resourceUrl}`], { env })),
    );
    const elapsed = Date.now() - started;
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^race_cc \(default\): GET .*\/me answered 200 in \d+ ms\.\n$/);
    }
    expect(server.state.tokenRequests).toBe(1);
    expect(server.state.resourceRequests).toBe(6);
    expect(new Set(server.state.acceptedTokens).size).toBe(1);
    for (const result of results) expect(findLeaks(result.stdout + result.stderr, [server.clientSecret, ...server.state.acceptedTokens])).toEqual([]);
    console.info(`race client_credentials: 6 processes, ${server.state.tokenRequests} token request, ${elapsed} ms`);
  });

  it('refresh with rotation: exactly one refresh grant (a second would reuse a consumed token), all six succeed', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'race_rt', oauth2Manifest('race_rt', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
    }));
    const env = clientEnv(server, 'race_rt');
    const seed = await server.obtainUserTokens();
    const before = server.state.tokenRequests;
    expect((await runCli(['secrets', 'set', file, 'oauth_refresh_token'], { env, input: seed.refresh_token })).code).toBe(0);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runCli(['check', file, '--config', `base_url=${server.resourceUrl}`], { env })),
    );
    const elapsed = Date.now() - started;
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(server.state.tokenRequests - before).toBe(1);
    expect(server.state.grants['refresh_token:success']).toBe(1);
    expect(server.state.grants['refresh_token:error']).toBeUndefined();
    expect(new Set(server.state.acceptedTokens).size).toBe(1);
    console.info(`race refresh_token: 6 processes, ${server.state.tokenRequests - before} token request, ${elapsed} ms`);
  });
});

describe('refresh_before', () => {
  it('sets the renewal window: not renewed before it, renewed once inside it', async () => {
    // 3600 s tokens with refresh_before 30: renewed from 30 s before expiry (the default 60 would
    // renew from 60 s). The later processes start with their clock moved (fake-clock.mjs), 15 s
    // clear of each edge, so nothing waits for the token to age.
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'window', oauth2Manifest('window', { grant_type: 'client_credentials', token_url: server.tokenUrl, refresh_before: 30 }));
    const env = clientEnv(server, 'window');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    const list = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; expiresAt?: string }>;
    const expiresAt = Date.parse(list.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
    const at = (time: number) => ({ ...env, ...clockOffsetEnv(time - Date.now()) });

    expect((await runCli(['check', file, ...config], { env: at(expiresAt - 45_000) })).code).toBe(0); // outside 30 s, inside 60 s
    expect(server.state.tokenRequests).toBe(1);
    const renewed = await runCli(['check', file, ...config], { env: at(expiresAt - 15_000) }); // inside 30 s
    expect(renewed.code).toBe(0);
    expect(server.state.tokenRequests).toBe(2);
    expect(server.state.unauthorized).toBe(0);
  });
});

describe('six processes hitting a 401 with the same revoked token', () => {
  it('renew once between them: one new token request, each 401 retried once, all succeed', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'race_401', oauth2Manifest('race_401', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const env = clientEnv(server, 'race_401');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    await server.revokeAccessToken(server.state.acceptedTokens[0]);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['check', file, ...config], { env })));
    const elapsed = Date.now() - started;
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(server.state.tokenRequests).toBe(2); // the first session, and one renewal for all six
    // A process that starts after the renewal reads the new session and gets no 401 at all.
    expect(server.state.unauthorized).toBeGreaterThanOrEqual(1);
    expect(server.state.resourceRequests).toBe(1 + 6 + server.state.unauthorized); // each 401 retried once
    expect(new Set(server.state.acceptedTokens.slice(1)).size).toBe(1);
    console.info(`401 stampede: 6 processes, ${server.state.unauthorized} x 401, ${server.state.tokenRequests - 1} renewal token request, ${elapsed} ms`);
  });
});

describe('a process killed with SIGKILL in the middle of a renewal', () => {
  it('leaves the store readable, the refresh token usable, and its lock taken over at once', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'crash', oauth2Manifest('crash', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
    }));
    const env = clientEnv(server, 'crash');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    const seed = await server.obtainUserTokens();
    expect((await runCli(['secrets', 'set', file, 'oauth_refresh_token', '--value', seed.refresh_token], { env })).code).toBe(0);
    const readLock = () => readFileSync(join(home, 'locks', 'crash', 'default.lock'), 'utf8');

    // The token endpoint hangs: the renewing process holds the connection's lock when it dies.
    server.state.hangTokenRequests = true;
    const child = spawn(process.execPath, [cliBin, 'check', file, ...config], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await waitFor(() => server.state.hungRequests === 1);
    const lock = JSON.parse(readLock()) as { pid: number };
    expect(lock.pid).toBe(child.pid);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(home, 'locks', 'crash', 'default.lock'))).toBe(true); // left behind by the dead holder

    const list = await runCli(['secrets', 'list', file, '--json'], { env });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const entries = JSON.parse(list.stdout) as Array<{ name: string; source: string }>;
    expect(entries.find((entry) => entry.name === 'oauth_refresh_token')?.source).toBe('store');
    expect(entries.some((entry) => entry.source === 'session')).toBe(false);

    server.state.hangTokenRequests = false;
    // The next process's clock runs 10 minutes behind, so to it the lock's last heartbeat lies in
    // the future: the lock never goes stale by time, and only the dead pid lets it in (else it
    // would wait until runCli kills it).
    const started = Date.now();
    const next = await runCli(['check', file, ...config], { env: { ...env, ...clockOffsetEnv(-600_000) } });
    const elapsed = Date.now() - started;
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(server.state.grants['refresh_token:success']).toBe(1); // the seed was still good
    expect(server.state.grants['refresh_token:error']).toBeUndefined();
    expect(existsSync(join(home, 'locks', 'crash', 'default.lock'))).toBe(false);
    for (const result of [list, next]) {
      expect(findLeaks(result.stdout + result.stderr, [server.clientSecret, seed.refresh_token, ...server.state.acceptedTokens])).toEqual([]);
    }
    console.info(`crash: killed pid ${child.pid} mid-renewal (${server.state.hungRequests} hung token request); next check took ${elapsed} ms`);
  });
});
