/**
 * `connectors secrets set/list/delete` (DESIGN.md sections 5 and 8): values from --value and from
 * piped stdin (one trailing LF or CRLF stripped, nothing else), what the stored value really is
 * (read back by a local server the connector calls), list sources and --json shape, env over
 * store, delete, --connection isolation, aliases, the encrypted store file (0600, no plaintext)
 * and a wrong CONNECTORS_SECRET_KEY leaving the store untouched.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, runCli } from './helpers/cli.js';
import { simpleManifest, startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { secretEnvName, writeManifest } from './helpers/manifests.js';

let server: EchoServer;
let home: string;
let cleanup: () => void;
let file: string;

beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  ({ home, cleanup } = makeHome());
  server.state.requests = [];
  // api_key in the query: the server sees the stored value exactly, newlines included.
  file = writeManifest(home, 'keyq', simpleManifest('keyq', 'scheme: api_key\nin: query\nname: key'));
});
afterEach(() => cleanup());

const env = () => ({ CONNECTORS_HOME: home });

/** The api_key value the connector sends, as the server received it. */
async function sentKey(extraEnv: Record<string, string> = {}, args: string[] = []): Promise<string | undefined> {
  const before = server.state.requests.length;
  const check = await runCli(['check', file, '--config', `base_url=${server.url}`, ...args], { env: { ...env(), ...extraEnv } });
  expect(check.stderr).toBe('');
  expect(check.code).toBe(0);
  return server.state.requests.slice(before).at(-1)?.query.key;
}

interface Entry { name: string; source: string; env: string; expiresAt?: string }

async function listJson(extra: string[] = [], extraEnv: Record<string, string> = {}): Promise<Entry[]> {
  const list = await runCli(['secrets', 'list', file, '--json', ...extra], { env: { ...env(), ...extraEnv } });
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  return JSON.parse(list.stdout) as Entry[];
}

describe('secrets set', () => {
  it('stores --value as given and says so on stderr, nothing on stdout', async () => {
    const value = 'flag-value-Qm3 with spaces ';
    const set = await runCli(['secrets', 'set', file, 'api_key', '--value', value], { env: env() });
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('');
    expect(set.stderr).toBe('Stored api_key for ' + file + ' (default).\n');
    expect(await sentKey()).toBe(value);
    expect(findLeaks(set.stdout + set.stderr, [value])).toEqual([]);
  });

  it('reads piped stdin, stripping one trailing LF or CRLF and nothing else (six connections set at once)', async () => {
    const cases: Array<[string, string]> = [
      ['piped-Kx1\n', 'piped-Kx1'],
      ['piped-Kx2\r\n', 'piped-Kx2'],
      ['piped-Kx3', 'piped-Kx3'],
      ['piped-Kx4\n\n', 'piped-Kx4\n'],
      ['  piped-Kx5 \t\n', '  piped-Kx5 \t'],
      ['piped-Kx6\r', 'piped-Kx6\r'],
    ];
    const sets = await Promise.all(cases.map(([input], index) =>
      runCli(['secrets', 'set', file, 'api_key', '--connection', `pipe${index}`], { env: env(), input })));
    for (const set of sets) {
      expect(set.stderr).toMatch(/^Stored api_key /);
      expect(set.code).toBe(0);
    }
    const checks = await Promise.all(cases.map((_, index) =>
      runCli(['check', file, '--config', `base_url=${server.url}`, '--connection', `pipe${index}`], { env: env() })));
    for (const check of checks) expect(check.code).toBe(0);
    // Each connection's check sent its own stored value: together, exactly the six expected values.
    const sent = server.state.requests.map((request) => request.query.key);
    expect(sent.sort()).toEqual(cases.map(([, stored]) => stored).sort());
  });

  it('refuses an empty piped value and stores nothing', async () => {
    const set = await runCli(['secrets', 'set', file, 'api_key'], { env: env(), input: '\n' });
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/^Error: .*empty/);
    expect((await listJson()).find((entry) => entry.name === 'api_key')?.source).toBe('missing');
  });

  it('stores an alias under its canonical name (tripletex consumer_token -> consumer_key)', async () => {
    const set = await runCli(['secrets', 'set', 'tripletex', 'consumer_token', '--value', 'alias-Vv9'], { env: env() });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('Stored consumer_key for tripletex');
    const list = await runCli(['secrets', 'list', 'tripletex', '--json'], { env: env() });
    const entries = JSON.parse(list.stdout) as Entry[];
    expect(entries.find((entry) => entry.name === 'consumer_key')).toEqual({
      name: 'consumer_key', source: 'store', env: 'CONNECTORS_SECRET_TRIPLETEX_CONSUMER_KEY',
    });
    expect(entries.find((entry) => entry.name === 'employee_token')?.source).toBe('missing');
    expect(entries.some((entry) => entry.name === 'consumer_token')).toBe(false);
  });
});

// Issue 9: values under 4 characters cannot be redacted; DESIGN.md section 8 says warn once.
describe('secrets too short to be redacted', () => {
  const storedWarning = 'Warning: The value of api_key is shorter than 4 characters, too short to be redacted: it can show in output and logs.';
  const envWarning = 'Warning: The secret api_key of keyq, from the environment, is shorter than 4 characters, too short to be redacted: it can show in output and logs.';

  it('secrets set of a 3-character value stores it with one warning line that does not hold the value', async () => {
    const set = await runCli(['secrets', 'set', file, 'api_key', '--value', 'Q9z'], { env: env() });
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('');
    expect(set.stderr).toBe(`${storedWarning}\nStored api_key for ${file} (default).\n`);
    // The stored value is used as it is, and using it from the store warns no more.
    expect(await sentKey()).toBe('Q9z');
  });

  it('a 3-character value from the environment warns once per command, without the value', async () => {
    const check = await runCli(['check', file, '--config', `base_url=${server.url}`], { env: { ...env(), [secretEnvName('keyq', 'api_key')]: 'Q9z' } });
    expect(check.code).toBe(0);
    expect(check.stderr).toBe(`${envWarning}\n`);
    expect(server.state.requests.at(-1)?.query.key).toBe('Q9z');
    // run warns as well, once, whatever becomes of the run (this echo server's /things is no list).
    const run = await runCli(['run', file, '--config', `base_url=${server.url}`], { env: { ...env(), [secretEnvName('keyq', 'api_key')]: 'Q9z' } });
    expect(run.stderr.split('\n').filter((line) => line.startsWith('Warning:'))).toEqual([envWarning]);
  });

  it('a value of 4 characters is redacted and gets no warning', async () => {
    const set = await runCli(['secrets', 'set', file, 'api_key', '--value', 'Q9zX'], { env: env() });
    expect(set.stderr).toBe(`Stored api_key for ${file} (default).\n`);
    expect(await sentKey({ [secretEnvName('keyq', 'api_key')]: 'Q9zY' })).toBe('Q9zY');
  });
});

describe('secrets list', () => {
  it('--json: [{name, source, env}] for every required secret, env winning over store, never a value', async () => {
    const envValue = 'env-value-Lp0';
    const storeValue = 'store-value-Lp1';
    expect(await listJson()).toEqual([{ name: 'api_key', source: 'missing', env: 'CONNECTORS_SECRET_KEYQ_API_KEY' }]);
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', storeValue], { env: env() })).code).toBe(0);
    expect(await listJson()).toEqual([{ name: 'api_key', source: 'store', env: 'CONNECTORS_SECRET_KEYQ_API_KEY' }]);
    const withEnv = { CONNECTORS_SECRET_KEYQ_API_KEY: envValue };
    expect(await listJson([], withEnv)).toEqual([{ name: 'api_key', source: 'env', env: 'CONNECTORS_SECRET_KEYQ_API_KEY' }]);
    expect(await sentKey(withEnv)).toBe(envValue);

    const table = await runCli(['secrets', 'list', file], { env: { ...env(), ...withEnv } });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^SECRET\s+SOURCE\s+ENV\s+EXPIRES\s*$/);
    expect(table.stdout).toMatch(/api_key\s+env\s+CONNECTORS_SECRET_KEYQ_API_KEY/);
    expect(findLeaks(table.stdout + table.stderr, [envValue, storeValue])).toEqual([]);
  });

  it('shows a session (source session, expiresAt) and other stored secrets of the connection', async () => {
    // demo uses oauth2 client_credentials against test/servers/demo-api.js.
    const { startDemoServer } = await import('./servers/demo-api.js');
    const demo = await startDemoServer({ tokenLifetime: 900 });
    try {
      const demoEnv = { ...env(), CONNECTORS_SECRET_DEMO_CLIENT_ID: 'demo' };
      expect((await runCli(['secrets', 'set', 'demo', 'client_secret', '--value', 'demo-secret'], { env: demoEnv })).code).toBe(0);
      expect((await runCli(['secrets', 'set', 'demo', 'extra_note', '--value', 'note-Zz5'], { env: demoEnv })).code).toBe(0);
      expect((await runCli(['check', 'demo', '--config', `base_url=${demo.url}`], { env: demoEnv })).code).toBe(0);
      const list = await runCli(['secrets', 'list', 'demo', '--json'], { env: demoEnv });
      const entries = JSON.parse(list.stdout) as Entry[];
      const sources = Object.fromEntries(entries.map((entry) => [entry.name, entry.source]));
      expect(sources).toEqual({
        client_id: 'env', client_secret: 'store', oauth_access_token: 'session', oauth_client_id: 'session',
        oauth_client_secret: 'session', extra_note: 'store',
      });
      const expiresAt = Date.parse(entries.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
      expect(Math.abs(expiresAt - (Date.now() + 900_000))).toBeLessThan(60_000);
      for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(entry.source === 'session' ? ['env', 'expiresAt', 'name', 'source'] : ['env', 'name', 'source']);
      expect(findLeaks(list.stdout + list.stderr, ['demo-secret', 'note-Zz5', ...demo.state.tokens.keys()])).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});

describe('secrets delete', () => {
  it('deletes a stored secret; a secret that is not stored is exit 1 with a message', async () => {
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', 'del-Aa1'], { env: env() })).code).toBe(0);
    const del = await runCli(['secrets', 'delete', file, 'api_key'], { env: env() });
    expect(del.code).toBe(0);
    expect(del.stderr).toContain('Deleted api_key');
    expect((await listJson())[0].source).toBe('missing');
    const again = await runCli(['secrets', 'delete', file, 'api_key'], { env: env() });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^Error: No secret "api_key" is stored for keyq \(default\)\./);
  });
});

describe('--connection', () => {
  it('keeps each connection’s secrets apart', async () => {
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', 'acme-Cc1', '--connection', 'acme'], { env: env() })).code).toBe(0);
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', 'beta-Cc2', '--connection', 'beta'], { env: env() })).code).toBe(0);
    expect((await listJson())[0].source).toBe('missing');
    expect((await listJson(['--connection', 'acme']))[0].source).toBe('store');
    expect(await sentKey({}, ['--connection', 'acme'])).toBe('acme-Cc1');
    expect(await sentKey({}, ['--connection', 'beta'])).toBe('beta-Cc2');
    const missing = await runCli(['check', file, '--config', `base_url=${server.url}`], { env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('CONNECTORS_SECRET_KEYQ_API_KEY');
    expect((await runCli(['secrets', 'delete', file, 'api_key', '--connection', 'acme'], { env: env() })).code).toBe(0);
    expect(await sentKey({}, ['--connection', 'beta'])).toBe('beta-Cc2');
  });

  it('refuses a connection name that could not also name its state file, before storing anything', async () => {
    for (const name of ['../../etc', '']) {
      const set = await runCli(['secrets', 'set', file, 'api_key', '--value', 'bad-conn-Bb1', '--connection', name], { env: env() });
      expect(set.code).toBe(2);
      expect(set.stderr).toBe(`Error: "${name}" is not a valid connection name (up to 100 letters, digits, "_", "-" and ".", not starting with "." or "-", not __proto__, constructor or prototype).\n`);
    }
    expect(existsSync(join(home, 'secrets.enc'))).toBe(false);
  });
});

describe('the store file', () => {
  it('is mode 0600 and holds no secret in plain text, base64 or URL-encoded', async () => {
    const secret = 'plain-Secret/Value+Check=42';
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', secret], { env: env() })).code).toBe(0);
    const store = join(home, 'secrets.enc');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(findLeaks(readFileSync(store).toString('latin1'), [secret])).toEqual([]);
  });

  it('with a wrong CONNECTORS_SECRET_KEY: a clear error, exit 1, and the store unchanged byte for byte', async () => {
    const rightKey = randomBytes(32).toString('base64');
    const wrongKey = randomBytes(32).toString('base64');
    expect((await runCli(['secrets', 'set', file, 'api_key', '--value', 'keyed-Kk1'], { env: { ...env(), CONNECTORS_SECRET_KEY: rightKey } })).code).toBe(0);
    const store = join(home, 'secrets.enc');
    const before = readFileSync(store);
    for (const args of [['secrets', 'set', file, 'api_key', '--value', 'other-Kk2'], ['secrets', 'list', file], ['secrets', 'delete', file, 'api_key']]) {
      const result = await runCli(args, { env: { ...env(), CONNECTORS_SECRET_KEY: wrongKey } });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^Error: .*(decrypt|key)/i);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(findLeaks(result.stderr, [wrongKey, rightKey, 'other-Kk2'])).toEqual([]);
      expect(readFileSync(store).equals(before)).toBe(true);
    }
    expect(await sentKey({ CONNECTORS_SECRET_KEY: rightKey })).toBe('keyed-Kk1');
  });
});
