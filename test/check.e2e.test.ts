/**
 * `connectors check` for the none, basic, api_key (header, query, cookie) and oauth2 schemes
 * against local servers, what it prints on success and failure (DESIGN.md section 8 "check"), a
 * missing secret, a manifest without `check:`, and `connectors schemes [--json]`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, runCli } from './helpers/cli.js';
import { simpleManifest, startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { secretEnvName, writeManifest } from './helpers/manifests.js';
import { startDemoServer } from './servers/demo-api.js';
import { startPokeapiServer } from './servers/pokeapi.js';

let server: EchoServer;
let home: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  server = await startEchoServer();
});
afterEach(async () => {
  await server.close();
  cleanup();
});

/** The one success line: `<name> (<connection>): GET <url> answered <status> in <n> ms.` */
function successLine(name: string, url: string, status = 200): RegExp {
  return new RegExp(`^${name} \\(default\\): GET ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} answered ${status} in \\d+ ms\\.\\n$`);
}

async function check(name: string, auth: string, secrets: Record<string, string>, options: { check?: boolean } = {}) {
  const file = writeManifest(home, name, simpleManifest(name, auth, options));
  const env: Record<string, string> = { CONNECTORS_HOME: home };
  for (const [key, value] of Object.entries(secrets)) env[secretEnvName(name, key)] = value;
  const result = await runCli(['check', file, '--config', `base_url=${server.url}`], { env });
  expect(findLeaks(result.stdout + result.stderr, Object.values(secrets))).toEqual([]);
  return result;
}

describe('check succeeds with each built-in scheme', () => {
  it('none: no credentials sent', async () => {
    const result = await check('plain', 'scheme: none', {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(successLine('plain', `${server.url}/ping`));
    expect(server.state.requests).toHaveLength(1);
    const [request] = server.state.requests;
    expect(request.query).toEqual({ probe: '1' });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.accept).toBe('application/json'); // the connector's headers go with the check
  });

  it('basic: Authorization: Basic base64(user:pass)', async () => {
    const result = await check('basicco', 'scheme: basic', { username: 'bot@example.com', password: 'basic-Pw:9é' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(successLine('basicco', `${server.url}/ping`));
    expect(server.state.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('bot@example.com:basic-Pw:9é').toString('base64')}`);
  });

  it('api_key in a header with a prefix', async () => {
    const result = await check('hdr', 'scheme: api_key\nin: header\nname: Authorization\nprefix: Token', { api_key: 'hdr-Key-1' });
    expect(result.code).toBe(0);
    expect(server.state.requests[0].headers.authorization).toBe('Token hdr-Key-1');
  });

  it('api_key in the default header X-API-Key', async () => {
    const result = await check('hdrdefault', 'scheme: api_key', { api_key: 'hdr-Key-2' });
    expect(result.code).toBe(0);
    expect(server.state.requests[0].headers['x-api-key']).toBe('hdr-Key-2');
  });

  it('api_key in the query: sent, and not printed in the line (the URL is shown without its query)', async () => {
    const result = await check('qry', 'scheme: api_key\nin: query\nname: apiKey', { api_key: 'query-Key/3+x' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(successLine('qry', `${server.url}/ping`));
    expect(server.state.requests[0].query).toEqual({ probe: '1', apiKey: 'query-Key/3+x' });
  });

  it('api_key in a cookie', async () => {
    const result = await check('cook', 'scheme: api_key\nin: cookie\nname: sid', { api_key: 'cookie-Key-4' });
    expect(result.code).toBe(0);
    expect(server.state.requests[0].headers.cookie).toBe('sid=cookie-Key-4');
  });

  it('cookies the API sets are kept with the connection for the next process, beside an api_key cookie', async () => {
    server.state.headers = (n) => ({ 'set-cookie': `srv${n}=v${n}; Path=/; Max-Age=3600` });
    const secrets = { api_key: 'cookie-Key-8' };
    for (let i = 0; i < 3; i++) expect((await check('jar', 'scheme: api_key\nin: cookie\nname: sid', secrets)).code).toBe(0);
    expect(server.state.requests.map((request) => request.headers.cookie)).toEqual([
      'sid=cookie-Key-8',
      'srv1=v1; sid=cookie-Key-8',
      'srv1=v1; srv2=v2; sid=cookie-Key-8',
    ]);
  });

  it('none, from the catalog: pokeapi against its local server', async () => {
    const poke = await startPokeapiServer();
    try {
      const result = await runCli(['check', 'pokeapi', '--config', `base_url=${poke.url}/api/v2`], { env: { CONNECTORS_HOME: home } });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(successLine('pokeapi', `${poke.url}/api/v2/pokemon/`));
    } finally {
      await poke.close();
    }
  });

  it('oauth2, from the catalog: demo gets a token, then calls its check path', async () => {
    const demo = await startDemoServer();
    try {
      const env = { CONNECTORS_HOME: home, CONNECTORS_SECRET_DEMO_CLIENT_ID: 'demo', CONNECTORS_SECRET_DEMO_CLIENT_SECRET: 'demo-secret' };
      const result = await runCli(['check', 'demo', '--config', `base_url=${demo.url}`], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(successLine('demo', `${demo.url}/customers`));
      expect(demo.state.tokenRequests).toBe(1);
      expect(demo.state.requests.find((request) => request.path === '/customers')?.query).toEqual({ page: '1', per_page: '1' });
      expect(findLeaks(result.stdout + result.stderr, ['demo-secret', ...demo.state.tokens.keys()])).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});

describe('check fails with one line on stderr and exit 1', () => {
  it('a rejected check request names the status and the request', async () => {
    server.state.status = 403;
    server.state.body = { error: 'forbidden', message: 'no access' };
    const result = await check('denied', 'scheme: api_key', { api_key: 'denied-Key-5' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: Check of denied \(default\) failed: .*403/);
    expect(lines[0]).toContain('/ping');
  });

  it('a 401 that stays 401 after one renewal fails (no endless retry)', async () => {
    server.state.status = 401;
    const result = await check('unauth', 'scheme: basic', { username: 'unauth-user', password: 'unauth-Pw-6' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*401/);
    expect(server.state.requests).toHaveLength(2); // the request, and its one retry after renewing
  });

  it('a missing secret names the secret and its environment variable, and calls nothing', async () => {
    const result = await check('needs', 'scheme: basic', { username: 'someone' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('password');
    expect(result.stderr).toContain('CONNECTORS_SECRET_NEEDS_PASSWORD');
    expect(result.stderr).not.toContain('CONNECTORS_SECRET_NEEDS_USERNAME');
    expect(server.state.requests).toHaveLength(0);
  });

  it('an unreachable server is one line naming the request', async () => {
    await server.close();
    const file = writeManifest(home, 'gone', simpleManifest('gone', 'scheme: none', { extra: 'retry: {limit: 0}\n' }));
    const result = await runCli(['check', file, '--config', `base_url=${server.url}`], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Error: .*127\.0\.0\.1/);
    server = await startEchoServer(); // for afterEach
  });
});

describe('a manifest without check:', () => {
  it('authenticates only and says so (basic: nothing to call)', async () => {
    const result = await check('nocheck', 'scheme: basic', { username: 'u', password: 'nocheck-Pw-7' }, { check: false });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nocheck \(default\): authenticated with basic; the manifest has no check request, so no API call was made \(\d+ ms\)\.\n$/);
    expect(server.state.requests).toHaveLength(0);
  });

  it('oauth2 without check: still gets its token', async () => {
    const demo = await startDemoServer();
    try {
      const file = writeManifest(home, 'tokenonly', `apiVersion: connectors/v1
name: tokenonly
config: {type: object, properties: {base_url: {type: string}}}
auth: {scheme: oauth2, grant_type: client_credentials, token_url: "{{ config.base_url }}/oauth/token"}
base_url: "{{ config.base_url }}"
streams: [{name: customers, path: /customers, records: data}]
`);
      const env = { CONNECTORS_HOME: home, CONNECTORS_SECRET_TOKENONLY_CLIENT_ID: 'demo', CONNECTORS_SECRET_TOKENONLY_CLIENT_SECRET: 'demo-secret' };
      const result = await runCli(['check', file, '--config', `base_url=${demo.url}`], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^tokenonly \(default\): authenticated with oauth2; the manifest has no check request/);
      expect(demo.state.tokenRequests).toBe(1);
      expect(demo.state.resourceRequests).toBe(0);
    } finally {
      await demo.close();
    }
  });
});

describe('schemes', () => {
  it('--json lists the built-in schemes in the shape of DESIGN.md section 8', async () => {
    const result = await runCli(['schemes', '--json'], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(0);
    const schemes = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(schemes.map((scheme) => [scheme.name as string, scheme]));
    for (const scheme of schemes) {
      expect(Object.keys(scheme).sort()).toEqual(['description', 'injectedSecrets', 'name', 'origin', 'requiredSecrets']);
    }
    expect(byName.none).toMatchObject({ origin: 'built-in', requiredSecrets: [], injectedSecrets: [] });
    expect(byName.basic).toMatchObject({
      origin: 'built-in',
      requiredSecrets: [
        { name: 'username', env: 'CONNECTORS_SECRET_<CONNECTOR>_USERNAME', optional: false },
        { name: 'password', env: 'CONNECTORS_SECRET_<CONNECTOR>_PASSWORD', optional: false },
      ],
      injectedSecrets: [{ name: 'username' }, { name: 'password' }],
    });
    expect(byName.api_key).toMatchObject({
      requiredSecrets: [{ name: 'api_key', env: 'CONNECTORS_SECRET_<CONNECTOR>_API_KEY', optional: false }],
      injectedSecrets: [{ name: 'api_key' }],
    });
    expect(byName.oauth2).toMatchObject({
      requiredSecrets: [
        // Optional for the scheme: which ones a connection needs depends on its options (section 12).
        { name: 'client_id', env: 'CONNECTORS_SECRET_<CONNECTOR>_CLIENT_ID', optional: true },
        { name: 'client_secret', env: 'CONNECTORS_SECRET_<CONNECTOR>_CLIENT_SECRET', optional: true },
        { name: 'username', env: 'CONNECTORS_SECRET_<CONNECTOR>_USERNAME', optional: true },
        { name: 'password', env: 'CONNECTORS_SECRET_<CONNECTOR>_PASSWORD', optional: true },
        { name: 'client_private_key', env: 'CONNECTORS_SECRET_<CONNECTOR>_CLIENT_PRIVATE_KEY', optional: true },
        { name: 'service_account_json', env: 'CONNECTORS_SECRET_<CONNECTOR>_SERVICE_ACCOUNT_JSON', optional: true },
        { name: 'tls_client_cert', env: 'CONNECTORS_SECRET_<CONNECTOR>_TLS_CLIENT_CERT', optional: true },
        { name: 'tls_client_key', env: 'CONNECTORS_SECRET_<CONNECTOR>_TLS_CLIENT_KEY', optional: true },
      ],
      injectedSecrets: [{ name: 'oauth_access_token' }, { name: 'oauth_refresh_token' }, { name: 'oauth_client_id' }, { name: 'oauth_client_secret' }],
    });
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['none', 'basic', 'api_key', 'oauth2', 'jwt', 'tripletex', 'superoffice']));
    for (const scheme of schemes) {
      expect(scheme.origin).toBe('built-in');
      expect(typeof scheme.description).toBe('string');
      for (const secret of scheme.requiredSecrets as Array<Record<string, unknown>>) {
        // `aliases` is an addition for schemes that have them (tripletex's consumer_token).
        expect(Object.keys(secret).filter((key) => key !== 'aliases').sort()).toEqual(['env', 'name', 'optional']);
      }
      for (const secret of scheme.injectedSecrets as Array<Record<string, unknown>>) expect(Object.keys(secret)).toEqual(['name']);
    }
  });

  it('prints a table with each scheme, its origin and its secrets', async () => {
    const result = await runCli(['schemes'], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SCHEME\s+ORIGIN\s+REQUIRED SECRETS\s+INJECTED SECRETS$/);
    expect(lines).toContainEqual(expect.stringMatching(/^basic\s+built-in\s+username, password\s+username, password$/));
    expect(lines).toContainEqual(expect.stringMatching(/^none\s+built-in\s+-\s+-$/));
    expect(lines).toContainEqual(expect.stringMatching(/^oauth2\s+built-in\s+client_id\?, client_secret\?, username\?, password\?, client_private_key\?, service_account_json\?, tls_client_cert\?, tls_client_key\?\s+oauth_access_token, oauth_refresh_token, oauth_client_id, oauth_client_secret$/));
  });
});
