import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server without declarations
import { startWebcrmServer } from './servers/webcrm.js';

const AUTH_CODE = 'test-webcrm-auth-code';

type Server = Awaited<ReturnType<typeof startWebcrmServer>>;
let server: Server;
let home: string;
let cleanup: () => void;

async function start(options: Record<string, unknown> = {}) {
  server = await startWebcrmServer({ counts: { Organisations: 3, Users: 2, Persons: 4 }, ...options });
}
beforeEach(() => {
  ({ home, cleanup } = makeHome());
});
afterEach(async () => {
  await server?.close();
  cleanup();
});

const base = () => ['--config', `base_url=${server.url}`];
const env = (authCode = AUTH_CODE, clockOffsetMs = 0) => cliEnv(home, 'webcrm', { api_key: authCode }, clockOffsetMs);
/** The auth code plus every access and refresh token the server ever issued. */
const allSecrets = () => [AUTH_CODE, ...server.state.accessTokens.keys(), ...server.state.refreshTokens.keys(), ...issued];
const issued: string[] = [];
type Req = { method: string; path: string; contentType?: string };
const paths = (from = 0) => server.state.requests.slice(from).map((r: Req) => r.path);

async function run(stream: string, authCode = AUTH_CODE, clockOffsetMs = 0) {
  const result = await runChecked(['run', 'webcrm', '--stream', stream, ...base()], { env: env(authCode, clockOffsetMs) }, [AUTH_CODE]);
  issued.push(...server.state.accessTokens.keys(), ...server.state.refreshTokens.keys());
  return result;
}

describe('webcrm (jwt scheme) end to end', () => {
  it('logs in with the form field authCode, and a second process reuses the session', async () => {
    await start();
    const first = await run('organisations');
    expect(first.code, first.stderr).toBe(0);
    expect(recordsOf(first.stdout, 'organisations').map((r) => r.OrganisationId)).toEqual([1, 2, 3]);
    expect(server.state.logins).toBe(1);
    const login = server.state.requests.find((r: Req) => r.path === '/Auth/ApiLogin');
    expect(login.method).toBe('POST');
    expect(login.contentType).toContain('application/x-www-form-urlencoded');

    const check = await runChecked(['check', 'webcrm', ...base()], { env: env() }, allSecrets());
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/GET .*\/Users.* answered 200/);

    const second = await run('users');
    expect(second.code, second.stderr).toBe(0);
    expect(recordsOf(second.stdout, 'users')).toHaveLength(2);
    expect(server.state.logins).toBe(1);
    expect(server.state.refreshes).toBe(0);
    expect(server.state.unauthorized).toBe(0);
    expect(findRaw(first.stdout + first.stderr + second.stderr + check.stdout + check.stderr)).toEqual([]);
  });

  it('renews near expiry through ApiRefresh with the refreshToken header, not a new login', async () => {
    await start({ tokenLifetime: 600 });
    expect((await run('organisations')).code).toBe(0);
    const [firstRefresh] = server.state.refreshTokens;
    const before = server.state.requests.length;
    // 570 s later the token (600 s) is within its 60 s window.
    const later = await run('users', AUTH_CODE, 570_000);
    expect(later.code, later.stderr).toBe(0);
    expect(recordsOf(later.stdout, 'users')).toHaveLength(2);
    expect(server.state.logins).toBe(1);
    expect(server.state.refreshes).toBe(1);
    expect(paths(before)).toEqual(['/Auth/ApiRefresh', '/Users']);
    // The server rotates: the first refresh token no longer works, the stored one is the new one.
    expect(server.state.refreshTokens.has(firstRefresh)).toBe(false);
    const again = await run('persons', AUTH_CODE, 570_000 + 570_000);
    expect(again.code, again.stderr).toBe(0);
    expect(server.state.refreshes).toBe(2);
    expect(server.state.failedRefreshes).toBe(0);
    expect(server.state.logins).toBe(1);
  });

  it('reads the expiry from the JWT exp claim when ExpiresIn is null', async () => {
    // The expiry comes from the server's clock (the JWT's exp), so the server's clock moves with
    // the next process's: as if the time had passed for both, with no wait and no race.
    await start({ omitExpiresIn: true });
    expect((await run('organisations')).code).toBe(0);
    expect((await run('users')).code).toBe(0);
    expect(server.state.refreshes).toBe(0);
    // The window of a 3600 s token is min(60, 3600 / 2) = 60 s before exp: move both clocks to 30 s
    // before it (a process may take up to 30 s and still be inside the window, not past exp).
    const [expiry] = [...server.state.accessTokens.values()] as number[];
    const offset = expiry - 30_000 - Date.now();
    server.state.clockOffsetMs = offset;
    const later = await run('persons', AUTH_CODE, offset);
    expect(later.code, later.stderr).toBe(0);
    expect(recordsOf(later.stdout, 'persons')).toHaveLength(4);
    expect(server.state.refreshes).toBe(1);
    expect(server.state.logins).toBe(1);
    expect(server.state.unauthorized).toBe(0);
  });

  it('after a 401 refreshes once and retries the request once', async () => {
    await start();
    expect((await run('organisations')).code).toBe(0);
    server.expireAccessTokens();
    const before = server.state.requests.length;
    const result = await run('users');
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'users')).toHaveLength(2);
    expect(paths(before)).toEqual(['/Users', '/Auth/ApiRefresh', '/Users']);
    expect(server.state.unauthorized).toBe(1);
    expect(server.state.logins).toBe(1);
  });

  it('falls back to exactly one fresh login when the refresh is rejected', async () => {
    await start();
    expect((await run('organisations')).code).toBe(0);
    server.expireAccessTokens();
    server.state.refreshTokens.clear();
    const before = server.state.requests.length;
    const result = await run('users');
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'users')).toHaveLength(2);
    expect(paths(before)).toEqual(['/Users', '/Auth/ApiRefresh', '/Auth/ApiLogin', '/Users']);
    expect(server.state.failedRefreshes).toBe(1);
    expect(server.state.logins).toBe(2);
  });

  it('a wrong authCode is one line, exit 1, naming api_key, without the value (run and check)', async () => {
    await start();
    const wrong = 'wrong-webcrm-auth-code';
    for (const command of [['run', 'webcrm', '--stream', 'users'], ['check', 'webcrm']]) {
      const result = await runChecked([...command, ...base()], { env: env(wrong) }, [wrong, AUTH_CODE]);
      const line = expectOneLineError(result);
      expect(line).toContain('api_key');
      expect(line).toContain('connectors secrets set webcrm api_key');
      expect(line).toMatch(/invalid_grant|authCode is not valid/);
    }
    expect(server.state.failedLogins).toBe(2);
    expect(server.state.resourceRequests).toBe(0);
  });
});

/** Raw token values that show in text (allSecrets covers every issued token). */
function findRaw(text: string): string[] {
  return allSecrets().filter((s) => s.length >= 4 && text.includes(s));
}
