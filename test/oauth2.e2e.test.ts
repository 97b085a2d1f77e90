/**
 * oauth2 against a real authorization server (oidc-provider 9 on loopback, test/helpers/oidc.ts):
 * client_credentials through `check` and `run`, the session reused by the next process, renewal
 * near expiry, renew-once after a 401, refresh-token rotation seeded with `secrets set`, and
 * `auth login/status/logout` through the provider's real authorization endpoint.
 */
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, findLeaks, makeHome, parseLines, repoRoot, runCli, type CliResult } from './helpers/cli.js';
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

/** `env` for a process whose clock reads `time` (ms) when it starts: a later process, without waiting. */
const at = (env: Record<string, string>, time: number): Record<string, string> => ({ ...env, ...clockOffsetEnv(time - Date.now()) });

/** Every secret the provider knows of for this test: client secret, and each token it accepted. */
function knownSecrets(server: OidcServer, extra: string[] = []): string[] {
  return [server.clientSecret, ...server.state.acceptedTokens, ...extra];
}

function expectNoLeaks(results: CliResult[], secrets: string[]): void {
  for (const result of results) expect(findLeaks(result.stdout + result.stderr, secrets)).toEqual([]);
}

describe('client_credentials', () => {
  it('check and run authenticate; the next process reuses the stored session (one token request)', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_cc', oauth2Manifest('oidc_cc', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const env = clientEnv(server, 'oidc_cc');
    const config = ['--config', `base_url=${server.resourceUrl}`];

    const check = await runCli(['check', file, ...config], { env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`^oidc_cc \\(default\\): GET ${server.resourceUrl}/me answered 200 in \\d+ ms\\.\\n$`));
    expect(server.state.tokenRequests).toBe(1);
    expect(server.state.grants).toEqual({ 'client_credentials:success': 1 });

    const run = await runCli(['run', file, ...config], { env });
    expect(run.code).toBe(0);
    const records = parseLines(run.stdout).filter((line) => line.type === 'RECORD');
    expect(records.map((line) => line.record)).toEqual([{ id: 1, name: 'one' }, { id: 2, name: 'two' }]);
    expect(server.state.tokenRequests).toBe(1); // the second process used the stored session
    expect(new Set(server.state.acceptedTokens).size).toBe(1);
    expectNoLeaks([check, run], knownSecrets(server));
  });

  it('renews a session within its renewal window with exactly one new token request', async () => {
    // A 3600 s token: the window is min(refresh_before 60, lifetime / 2) = 60 s before expiry. The
    // later processes start with their clock moved (fake-clock.mjs), 30 s clear of each edge.
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_short', oauth2Manifest('oidc_short', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const env = clientEnv(server, 'oidc_short');
    const config = ['--config', `base_url=${server.resourceUrl}`];

    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    const list = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; expiresAt?: string }>;
    const expiresAt = Date.parse(list.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
    const reused = await runCli(['check', file, ...config], { env: at(env, expiresAt - 90_000) }); // outside the window
    expect(reused.code).toBe(0);
    expect(server.state.tokenRequests).toBe(1);
    const renewed = await runCli(['check', file, ...config], { env: at(env, expiresAt - 30_000) }); // inside it
    expect(renewed.code).toBe(0);
    expect(server.state.tokenRequests).toBe(2);
    expect(server.state.unauthorized).toBe(0); // renewed before use, not after a 401
    expect(new Set(server.state.acceptedTokens).size).toBe(2);
  });

  it('after a 401 (token revoked at the provider) renews once and retries once', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_rev', oauth2Manifest('oidc_rev', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const env = clientEnv(server, 'oidc_rev');
    const config = ['--config', `base_url=${server.resourceUrl}`];

    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    const [first] = server.state.acceptedTokens;
    await server.revokeAccessToken(first);

    const after = await runCli(['check', file, ...config], { env });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(server.state.tokenRequests).toBe(2);
    expect(server.state.unauthorized).toBe(1);
    expect(server.state.resourceRequests).toBe(3); // ok, 401, retried ok
    expect(server.state.acceptedTokens[1]).not.toBe(first);
    expectNoLeaks([after], knownSecrets(server, [first]));
  });

  it('apply: false with an Authorization header templated from the session: a 401 renews once, the retry carries the new token', async () => {
    const server = (oidc = await startOidc());
    const yaml = oauth2Manifest('oidc_tpl', { grant_type: 'client_credentials', token_url: server.tokenUrl })
      .replace('  scheme: oauth2\n', '  scheme: oauth2\n  apply: false\n')
      .replace('check: {path: /me}', 'headers:\n  Authorization: "Bearer {{ secrets.oauth_access_token }}"\ncheck: {path: /me}');
    const file = writeManifest(home, 'oidc_tpl', yaml);
    const env = clientEnv(server, 'oidc_tpl');
    const config = ['--config', `base_url=${server.resourceUrl}`];

    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    const [first] = server.state.acceptedTokens;
    await server.revokeAccessToken(first!.replace(/^Bearer /, ''));

    const run = await runCli(['run', file, ...config], { env });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(parseLines(run.stdout).filter((line) => line.type === 'RECORD')).toHaveLength(2);
    expect(server.state.tokenRequests).toBe(2);
    expect(server.state.unauthorized).toBe(1);
    expect(server.state.acceptedTokens).toHaveLength(2);
    expect(server.state.acceptedTokens[1]).not.toBe(first);
    expectNoLeaks([run], knownSecrets(server, [first!]));
  });

  it('a wrong client secret fails with the provider error, exit 1, and no leak', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_bad', oauth2Manifest('oidc_bad', { grant_type: 'client_credentials', token_url: server.tokenUrl }));
    const wrong = 'wrong-client-secret-Hh37x';
    const env = { ...clientEnv(server, 'oidc_bad'), [secretEnvName('oidc_bad', 'client_secret')]: wrong };
    const result = await runCli(['check', file, '--config', `base_url=${server.resourceUrl}`], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: .*invalid_client/);
    // The hint of the grant: the client's credentials, never a refresh token or `auth login`.
    expect(result.stderr).toContain('Check the auth block\'s token_url and the client credentials');
    expect(result.stderr).not.toMatch(/refresh token|auth login/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.state.resourceRequests).toBe(0);
    expectNoLeaks([result], [wrong, server.clientSecret]);
  });
});

describe('authorization_code: refresh with rotation', () => {
  it('a refresh token set with `secrets set` is used once, the rotated one is stored and used next', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_code', oauth2Manifest('oidc_code', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
      scopes: ['openid', 'offline_access'],
    }));
    const env = clientEnv(server, 'oidc_code');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    const seed = await server.obtainUserTokens();
    const baseRequests = server.state.tokenRequests;

    const set = await runCli(['secrets', 'set', file, 'oauth_refresh_token'], { env, input: `${seed.refresh_token}\n` });
    expect(set.code).toBe(0);

    const check = await runCli(['check', file, ...config], { env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(server.state.tokenRequests).toBe(baseRequests + 1);
    expect(server.state.grants['refresh_token:success']).toBe(1);
    // Rotation: the seed is consumed at the provider; the session now holds its successor.
    expect(await server.isRefreshTokenValid(seed.refresh_token)).toBe(false);
    const list = await runCli(['secrets', 'list', file, '--json'], { env });
    const entries = JSON.parse(list.stdout) as Array<{ name: string; source: string; expiresAt?: string }>;
    const bySource = Object.fromEntries(entries.map((entry) => [entry.name, entry.source]));
    expect(bySource).toMatchObject({ oauth_access_token: 'session', oauth_refresh_token: 'session', client_id: 'env', client_secret: 'env' });
    expect(entries.find((entry) => entry.name === 'oauth_access_token')?.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Force a second renewal: revoke the access token. Only the rotated refresh token works now
    // (oidc-provider would also revoke the whole grant on a reuse of the consumed seed).
    await server.revokeAccessToken(server.state.acceptedTokens.at(-1)!);
    const again = await runCli(['check', file, ...config], { env });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(server.state.grants['refresh_token:success']).toBe(2);
    expect(server.state.grants['refresh_token:error']).toBeUndefined();
    expectNoLeaks([set, check, list, again], knownSecrets(server, [seed.refresh_token, seed.access_token]));
  });

  it('setting a new oauth_refresh_token discards the session, so the new token is what renews', async () => {
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_reset', oauth2Manifest('oidc_reset', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
    }));
    const env = clientEnv(server, 'oidc_reset');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    const first = await server.obtainUserTokens();
    expect((await runCli(['secrets', 'set', file, 'oauth_refresh_token', '--value', first.refresh_token], { env })).code).toBe(0);
    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);

    const second = await server.obtainUserTokens();
    const set = await runCli(['secrets', 'set', file, 'oauth_refresh_token', '--value', second.refresh_token], { env });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('The stored session was discarded');
    const status = await runCli(['auth', 'status', file], { env });
    expect(status.stdout).toContain('no stored session');

    const check = await runCli(['check', file, ...config], { env });
    expect(check.code).toBe(0);
    expect(server.state.grants['refresh_token:success']).toBe(2);
    expect(await server.isRefreshTokenValid(second.refresh_token)).toBe(false); // consumed by this renewal
    expectNoLeaks([set, status, check], knownSecrets(server, [first.refresh_token, second.refresh_token]));
  });
});

describe('authorization_code: a failed renewal', () => {
  it('keeps an unexpired token with a warning, then fails once it expired, never overwriting the refresh token', async () => {
    // Tokens from refresh live 3600 s: the window is min(60, 3600 / 2) = 60 s before expiry. The
    // later processes start with their clock moved (fake-clock.mjs), 30 s clear of each edge.
    const server = (oidc = await startOidc());
    const file = writeManifest(home, 'oidc_fail', oauth2Manifest('oidc_fail', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
    }));
    const env = clientEnv(server, 'oidc_fail');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    const seed = await server.obtainUserTokens();
    expect((await runCli(['secrets', 'set', file, 'oauth_refresh_token', '--value', seed.refresh_token], { env })).code).toBe(0);
    expect((await runCli(['check', file, ...config], { env })).code).toBe(0);
    const firstAccess = server.state.acceptedTokens[0];
    const list = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; source: string; expiresAt?: string }>;
    expect(list.find((entry) => entry.name === 'oauth_refresh_token')?.source).toBe('session');
    const expiresAt = Date.parse(list.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
    // The provider forgets the grant (e.g. the user revoked the app): refreshing is invalid_grant.
    await server.revokeGrantOf(firstAccess);

    const kept = await runCli(['check', file, ...config], { env: at(env, expiresAt - 30_000) }); // due, not expired
    expect(kept.stderr).toMatch(/^Warning: Could not renew the session of oidc_fail \(invalid_grant\); using the current one until it expires\.\n$/);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/answered 200/);
    expect(server.state.grants['refresh_token:error']).toBe(1); // invalid_grant is not retried
    expect(server.state.acceptedTokens.at(-1)).toBe(firstAccess);

    const failed = await runCli(['check', file, ...config], { env: at(env, expiresAt + 30_000) }); // expired
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^Error: Renewing the session of oidc_fail failed \(invalid_grant.*connectors secrets set oidc_fail oauth_refresh_token.*connectors auth login oidc_fail/);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.state.grants['refresh_token:error']).toBe(2);
    const after = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; source: string }>;
    expect(after.find((entry) => entry.name === 'oauth_refresh_token')?.source).toBe('session'); // kept, not wiped
    expectNoLeaks([kept, failed], knownSecrets(server, [seed.refresh_token]));
  });
});

/** Starts `auth login` and resolves with the authorization URL it prints on its own stderr line. */
function startLogin(file: string, env: Record<string, string>, extra: string[]) {
  const child = spawn(process.execPath, [cliBin, 'auth', 'login', file, '--no-browser', '--port', '0', ...extra], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const url = new Promise<URL>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const line = stderr.split('\n').find((candidate) => /^https?:\/\/\S+$/.test(candidate) && candidate.includes('/auth?'));
      if (line) resolve(new URL(line));
    });
    child.on('close', () => reject(new Error(`auth login ended before printing a URL: ${stderr}`)));
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  void done.then(() => clearTimeout(timer));
  return { url, done };
}

describe('auth login / status / logout against oidc-provider', () => {
  function loginManifest(server: OidcServer): string {
    return writeManifest(home, 'oidc_login', oauth2Manifest('oidc_login', {
      grant_type: 'authorization_code',
      token_url: server.tokenUrl,
      authorize_url: server.authorizeUrl,
      scopes: ['openid', 'offline_access'],
    }));
  }

  it('logs in through the loopback callback, stores the session, and logout discards it', async () => {
    const server = (oidc = await startOidc());
    const file = loginManifest(server);
    const env = clientEnv(server, 'oidc_login');
    const config = ['--config', `base_url=${server.resourceUrl}`];
    const login = startLogin(file, env, config);
    const url = await login.url;
    expect(url.origin).toBe(server.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/.{16,}/);
    expect(url.searchParams.get('prompt')).toBeNull();
    const redirectUri = new URL(url.searchParams.get('redirect_uri')!);
    expect(redirectUri.hostname).toBe('127.0.0.1');
    expect(redirectUri.pathname).toBe('/callback');

    const callback = await server.followAuthorization(url.href);
    expect(callback.origin).toBe(redirectUri.origin);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    const result = await login.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Logged in: the session of oidc_login (default) is stored');
    expect(server.state.interactionsCompleted).toBe(1);
    expect(server.state.grants['authorization_code:success']).toBe(1);

    const status = await runCli(['auth', 'status', file], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^oidc_login \(default\), scheme oauth2: session stored .*, expires \S+, holds oauth_access_token, oauth_client_id, oauth_client_secret, oauth_refresh_token\.\n$/);
    const check = await runCli(['check', file, ...config], { env });
    expect(check.code).toBe(0);
    expect(server.state.tokenRequests).toBe(1); // the login's session is used as is

    const logout = await runCli(['auth', 'logout', file], { env });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Discarded the session of');
    const after = await runCli(['auth', 'status', file], { env });
    expect(after.stdout).toContain('no stored session');
    expectNoLeaks([result, status, check, logout, after], knownSecrets(server));
  });

  it('a code exchange the provider refuses (wrong client secret) exits 1, stores nothing, leaks nothing', async () => {
    const server = (oidc = await startOidc());
    const file = loginManifest(server);
    const wrong = 'wrong-login-secret-Yy81';
    const env = { ...clientEnv(server, 'oidc_login'), [secretEnvName('oidc_login', 'client_secret')]: wrong };
    const login = startLogin(file, env, ['--config', `base_url=${server.resourceUrl}`]);
    const callback = await server.followAuthorization((await login.url).href);
    const code = callback.searchParams.get('code')!;
    expect((await fetch(callback)).status).toBe(200);
    const result = await login.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*invalid_client/m);
    expect(server.state.grants['authorization_code:error']).toBe(1);
    const status = await runCli(['auth', 'status', file], { env });
    expect(status.stdout).toContain('no stored session');
    expectNoLeaks([result, status], [wrong, server.clientSecret, code]);
  });

  it('a --port already in use is one clear error line, exit 1', async () => {
    const server = (oidc = await startOidc());
    const file = loginManifest(server);
    const port = Number(new URL(server.resourceUrl).port); // taken by the resource server
    const result = await runCli(['auth', 'login', file, '--no-browser', '--port', String(port)], { env: clientEnv(server, 'oidc_login') });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error: Cannot listen for the login callback: port ${port} on 127.0.0.1 is in use. Pick another one with --port, or --port 0 for any free port (register that redirect URI with the provider).\n`);
    expect(server.state.tokenRequests).toBe(0);
  });

  it('refuses a callback with the wrong state with 400 and exits 1 without exchanging the code', async () => {
    const server = (oidc = await startOidc());
    const file = loginManifest(server);
    const env = clientEnv(server, 'oidc_login');
    const login = startLogin(file, env, ['--config', `base_url=${server.resourceUrl}`]);
    const url = await login.url;
    const forged = new URL(url.searchParams.get('redirect_uri')!);
    forged.search = new URLSearchParams({ code: 'forged-code', state: 'not-the-state' }).toString();
    const page = await fetch(forged);
    expect(page.status).toBe(400);
    const result = await login.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*state/m);
    expect(server.state.tokenRequests).toBe(0);
    const status = await runCli(['auth', 'status', file], { env });
    expect(status.stdout).toContain('no stored session');
  });
});
