import { describe, expect, it, type TestContext } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server without declarations
import { startSuperofficeServer } from './servers/superoffice.js';
// @ts-expect-error plain ESM helpers without declarations
import { generateRsaKeys } from './servers/rs256.js';

const CLIENT_ID = 'test-so-client';
const CLIENT_SECRET = 'test-so-app-token';
const REFRESH = 'test-so-refresh-token';

type Req = { method: string; path: string; query: Record<string, string>; authorization?: string; appToken?: string };

/** One test's server and CONNECTORS_HOME, closed when the test ends (tests here run concurrently). */
async function start(t: TestContext, options: Record<string, unknown> = {}) {
  const server = await startSuperofficeServer({ counts: { Contact: 5, Person: 3, User: 2 }, ...options });
  const { home, cleanup } = makeHome();
  t.onTestFinished(async () => {
    await server.close();
    cleanup();
  });
  const secrets = (overrides: Record<string, string> = {}) => ({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    rsa_private_key: server.partnerKeys.privateKeyPem,
    oauth_refresh_token: REFRESH,
    ...overrides,
  });
  /** Every secret-like value: the inputs, a line of each private key form, and every ticket and token the server issued. */
  const allSecrets = (extra: string[]) => {
    const keyLines = [server.partnerKeys.privateKeyPem, server.partnerKeys.privateKeyPkcs8Pem].map((pem: string) => pem.split('\n')[5]);
    const xmlD = /<D>([^<]+)<\/D>/.exec(server.partnerKeys.privateKeyXml)?.[1] ?? '';
    return [CLIENT_SECRET, REFRESH, ...keyLines, xmlD, ...server.state.tickets.keys(), ...server.state.accessTokens.keys(), ...server.state.refreshTokens, ...extra];
  };
  const run = async (args: string[], overrides: Record<string, string> = {}, extra: string[] = [], clockOffsetMs = 0) => {
    const values = secrets(overrides);
    const env = cliEnv(home, 'superoffice', values, clockOffsetMs);
    const result = await runChecked([...args, '--config', `login_url=${server.url}`], { env }, [...Object.values(values), CLIENT_SECRET]);
    const text = result.stdout + result.stderr;
    expect(allSecrets(extra).filter((v: string) => v && v.length >= 4 && text.includes(v))).toEqual([]);
    return result;
  };
  const resourceRequests = () => (server.state.requests as Req[]).filter((r) => r.path.includes('/api/v1/'));
  return { server, run, resourceRequests };
}

describe.concurrent('superoffice scheme end to end', () => {
  it('first login: refresh grant, verified id_token, signed system token, ticket; a second process reuses the session', async (t) => {
    const { server, run, resourceRequests } = await start(t);
    const first = await run(['run', 'superoffice', '--stream', 'contacts']);
    expect(first.code, first.stderr).toBe(0);
    expect(recordsOf(first.stdout, 'contacts').map((r) => r.PrimaryKey)).toEqual([1, 2, 3, 4, 5]);
    expect(server.state.refreshGrants).toBe(1);
    expect(server.state.systemUserLogins).toBe(1);
    expect(server.state.failedSystemUserLogins).toBe(0);
    expect(server.state.jwksRequests).toBeGreaterThan(0);
    const [request] = resourceRequests();
    // auth.webapi_url (from the id_token) is the base URL; the ticket and SO-AppToken are applied.
    expect(request.path).toBe('/Cust12345/api/v1/Contact');
    expect(request.authorization).toMatch(/^SOTicket 7T:/);
    expect(server.state.tickets.has(request.authorization!.slice('SOTicket '.length))).toBe(true);
    expect(request.appToken).toBe(CLIENT_SECRET);

    const check = await run(['check', 'superoffice']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/GET .*\/Cust12345\/api\/v1\/User.* answered 200/);

    const second = await run(['run', 'superoffice', '--stream', 'persons']);
    expect(second.code, second.stderr).toBe(0);
    expect(recordsOf(second.stdout, 'persons')).toHaveLength(3);
    expect(server.state.tokenRequests).toBe(1);
    expect(server.state.systemUserLogins).toBe(1);
    expect(server.state.unauthorized).toBe(0);
  });

  for (const form of ['privateKeyPkcs8Pem', 'privateKeyXml'] as const) {
    it(`accepts the partner private key as ${form === 'privateKeyXml' ? '<RSAKeyValue> XML' : 'PKCS#8 PEM'}`, async (t) => {
      const { server, run } = await start(t);
      const result = await run(['run', 'superoffice', '--stream', 'users'], { rsa_private_key: server.partnerKeys[form] });
      expect(result.code, result.stderr).toBe(0);
      expect(recordsOf(result.stdout, 'users')).toHaveLength(2);
      expect(server.state.systemUserLogins).toBe(1);
      expect(server.state.failedSystemUserLogins).toBe(0);
    });
  }

  it('gets a new ticket when the ticket JWT is about to expire', async (t) => {
    // The access token outlives the ticket, so only the ticket is due.
    const { server, run } = await start(t, { tokenLifetime: 7200 });
    expect((await run(['run', 'superoffice', '--stream', 'users'])).code).toBe(0);
    expect(server.state.systemUserLogins).toBe(1);
    // The window of a 3600 s ticket is min(60, 3600 / 2) = 60 s before its exp. The exp is the
    // server's, so the server's clock moves with the next process's, to 30 s before it: as if the
    // time had passed for both (a process may take up to 30 s and still be inside the window).
    const [expiry] = [...server.state.tickets.values()] as number[];
    const offset = expiry - 30_000 - Date.now();
    server.state.clockOffsetMs = offset;
    const later = await run(['run', 'superoffice', '--stream', 'persons'], {}, [], offset);
    expect(later.code, later.stderr).toBe(0);
    expect(recordsOf(later.stdout, 'persons')).toHaveLength(3);
    expect(server.state.systemUserLogins).toBe(2);
    expect(server.state.unauthorized).toBe(0);
  });

  it('after a 401 gets exactly one new ticket and retries the request once', async (t) => {
    const { server, run } = await start(t);
    expect((await run(['run', 'superoffice', '--stream', 'users'])).code).toBe(0);
    server.revokeTickets();
    const before = server.state.requests.length;
    const result = await run(['run', 'superoffice', '--stream', 'contacts']);
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'contacts')).toHaveLength(5);
    expect(server.state.systemUserLogins).toBe(2);
    expect(server.state.unauthorized).toBe(1);
    const paths = (server.state.requests as Req[]).slice(before).map((r) => r.path).filter((path) => !path.includes('.well-known'));
    expect(paths).toEqual([
      '/Cust12345/api/v1/Contact',
      '/login/common/oauth/tokens',
      '/Login/api/PartnerSystemUser/Authenticate',
      '/Cust12345/api/v1/Contact',
    ]);
  });

  it('refuses a ticket JWT signed with a key the jwks does not hold', async (t) => {
    const { server, run, resourceRequests } = await start(t, { signTicketWithWrongKey: true });
    const result = await run(['run', 'superoffice', '--stream', 'contacts']);
    const line = expectOneLineError(result);
    expect(line).toMatch(/signature|verif/i);
    expect(server.state.systemUserLogins).toBe(1);
    expect(resourceRequests()).toHaveLength(0);
  });

  it('refuses an id_token signed with a key the jwks does not hold', async (t) => {
    const { server, run, resourceRequests } = await start(t, { signIdTokenWithWrongKey: true });
    const result = await run(['run', 'superoffice', '--stream', 'contacts']);
    const line = expectOneLineError(result);
    expect(line).toMatch(/id_token/);
    expect(line).toMatch(/signature|verif/i);
    expect(server.state.systemUserLogins).toBe(0);
    expect(resourceRequests()).toHaveLength(0);
  });

  it('a wrong client secret: one line, exit 1, names client_secret', async (t) => {
    const { server, run, resourceRequests } = await start(t);
    const wrong = 'wrong-so-app-token';
    const result = await run(['run', 'superoffice', '--stream', 'contacts'], { client_secret: wrong }, [wrong]);
    const line = expectOneLineError(result);
    expect(line).toContain('invalid_client');
    expect(line).toContain('client_secret');
    expect(server.state.failedTokenRequests).toBe(1);
    expect(resourceRequests()).toHaveLength(0);
  });

  it('a wrong partner private key: one line, exit 1, names rsa_private_key', async (t) => {
    const { server, run, resourceRequests } = await start(t);
    const other = generateRsaKeys('other');
    const result = await run(['run', 'superoffice', '--stream', 'contacts'], { rsa_private_key: other.privateKeyPem }, [other.privateKeyPem.split('\n')[5]]);
    const line = expectOneLineError(result);
    expect(line).toContain('rsa_private_key');
    expect(server.state.failedSystemUserLogins).toBe(1);
    expect(server.state.lastSystemUserError).toMatch(/signature/i);
    expect(resourceRequests()).toHaveLength(0);
  });

  it('a private key that is neither PEM nor RSA XML: one line, exit 1, names rsa_private_key', async (t) => {
    const { server, run } = await start(t);
    const result = await run(['run', 'superoffice', '--stream', 'contacts'], { rsa_private_key: 'not-a-key-at-all' });
    const line = expectOneLineError(result);
    expect(line).toContain('rsa_private_key');
    expect(server.state.systemUserLogins).toBe(0);
  });

  it('a bad refresh token: one line, exit 1, says to set oauth_refresh_token or log in', async (t) => {
    const { server, run } = await start(t);
    const wrong = 'revoked-so-refresh-token';
    const result = await run(['check', 'superoffice'], { oauth_refresh_token: wrong }, [wrong]);
    const line = expectOneLineError(result);
    expect(line).toContain('invalid_grant');
    expect(line).toContain('connectors secrets set superoffice oauth_refresh_token');
    expect(line).toContain('connectors auth login superoffice');
  });
});

