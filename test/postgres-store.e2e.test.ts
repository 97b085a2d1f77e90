/**
 * The PostgreSQL store end to end (DESIGN.md section 10, issue 11): the built CLI as child
 * processes, each with its own CONNECTORS_HOME and nothing shared but a database on a throwaway
 * cluster, against a token endpoint that rotates refresh tokens honestly (a spent one is
 * `invalid_grant`). Six processes at once make exactly one token request; a process killed with
 * SIGKILL while it renews leaves the lock free and the refresh token live; a `serve` replica sees a
 * caller added from another machine. Every byte printed is scanned for every secret and the
 * database password.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '@connectors/core/testing';
import { cliBin, findLeaks, runCli, type CliResult } from './helpers/cli.js';
import { callServe, startServe, writeOAuthConnector, type RunningServe } from './helpers/serve.js';
import { startRotatingOAuth } from './servers/rotating-oauth.js';

const CLIENT_ID = 'pg-e2e-client-id';
const CLIENT_SECRET = 'pg-e2e-client-secret-Hk29vQ';
const SEED_REFRESH = 'rt_pg_e2e_seed_refresh_token_value';

let cluster: PostgresCluster;
let databases = 0;
let root: string;
let project: string;
let databaseUrl: string;
let secretKey: string;
let api: Awaited<ReturnType<typeof startRotatingOAuth>>;
let printed: string;
const serves: RunningServe[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(() => cluster?.stop());

beforeEach(async () => {
  databases += 1;
  databaseUrl = await cluster.createDatabase(`e2e_${databases}`);
  secretKey = randomBytes(32).toString('base64');
  root = mkdtempSync(join(tmpdir(), 'connectors-pg-e2e-'));
  project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'connectors.config.yaml'), 'catalog: ./catalog\nsecret_store:\n  type: postgres\n');
  api = await startRotatingOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [SEED_REFRESH] });
  writeOAuthConnector(join(project, 'catalog'), 'acme', api.tokenUrl, api.url);
  printed = '';
});

afterEach(async () => {
  for (const serve of serves.splice(0)) await serve.stop('SIGKILL');
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

/** The environment of one "machine": its own CONNECTORS_HOME, the shared database and key. */
function machine(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = join(root, `home-${name}`);
  return { CONNECTORS_HOME: home, CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: secretKey, ...extra };
}

async function cli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const result = await runCli(args, { env, cwd: project, input, timeoutMs: 60_000 });
  printed += result.stdout + result.stderr;
  return result;
}

/** Stores the connector's client credentials and seed refresh token from machine `setup`. */
async function storeSecrets(): Promise<void> {
  const env = machine('setup');
  for (const [name, value] of [['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['oauth_refresh_token', SEED_REFRESH]] as const) {
    const result = await cli(['secrets', 'set', 'acme', name], env, value);
    expect(result.stderr).toBe(`Stored ${name} for acme (default).\n`);
    expect(result.code).toBe(0);
  }
}

function secrets(): string[] {
  return [CLIENT_SECRET, SEED_REFRESH, cluster.password, secretKey, ...api.state.issued];
}

function expectNoLeaks(): void {
  expect(findLeaks(printed, secrets())).toEqual([]);
  expect(printed).not.toMatch(/\n\s+at /);
}

/** Every refresh token presented was live and presented once. */
function expectHonestChain(): void {
  expect(api.state.invalidGrants).toBe(0);
  expect(api.state.presented.every((entry) => entry.live)).toBe(true);
  const tokens = api.state.presented.map((entry) => entry.token);
  expect(new Set(tokens).size).toBe(tokens.length);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('secret_store type postgres', () => {
  it('six processes on six machines at once make exactly one token request, and keep nothing on disk', async () => {
    await storeSecrets();
    api.state.tokenDelayMs = 300; // the first renewal is still in flight when the others want one
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => cli(['check', 'acme'], machine(`m${i}`))));
    for (const result of results) {
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.code).toBe(0);
    }
    expect(api.state.tokenRequests).toBe(1);
    expectHonestChain();
    // the lock was the session row, the session is in the database: no machine wrote a file
    for (let i = 0; i < 6; i += 1) {
      const home = join(root, `home-m${i}`);
      expect(existsSync(home) ? readdirSync(home) : []).toEqual([]);
    }
    const tables = await cluster.query<{ n: number }>(`e2e_${databases}`, 'SELECT count(*)::int AS n FROM connectors.sessions WHERE key_id IS NOT NULL');
    expect(tables[0]!.n).toBe(1);
    // whoever reads the database reads no secret: not the client secret, a token, or the key
    const dump = await cluster.dumpSchema(`e2e_${databases}`);
    expect(dump.length).toBeGreaterThan(0);
    expect(findLeaks(dump, [CLIENT_SECRET, SEED_REFRESH, secretKey, ...api.state.issued])).toEqual([]);
    expectNoLeaks();
  });

  it('a process killed with SIGKILL while it renews frees the lock at once; the next run finishes within 10 s with a live refresh token', async () => {
    await storeSecrets();
    api.state.tokenDelayMs = 5000;
    const env = machine('killed');
    const child = spawn(process.execPath, [cliBin, 'check', 'acme'], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await waitFor(() => api.state.delayedRequests === 1, 'the renewal reached the token server');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await waitFor(() => api.state.abandoned === 1, 'the token server dropped the abandoned request');
    expect(api.state.liveRefresh.has(SEED_REFRESH)).toBe(true);

    api.state.tokenDelayMs = 0;
    const started = Date.now();
    const next = await cli(['check', 'acme'], machine('next'));
    const elapsed = Date.now() - started;
    expect(next.stderr).not.toMatch(/Error/);
    expect(next.code).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    expect(api.state.tokenRequests).toBe(1);
    expect(api.state.presented.map((entry) => entry.token)).toEqual([SEED_REFRESH]);
    expectHonestChain();
    // the refresh token the store now holds is the rotated one, and it is live
    const rotated = api.state.issued.filter((token) => token.startsWith('rt_')).at(-1)!;
    expect(api.state.liveRefresh.has(rotated)).toBe(true);
    expectNoLeaks();
  });

  it('a caller added on one machine works at once on two serve replicas on other machines', async () => {
    await storeSecrets();
    const first = await startServe(machine('replica-1'), [], project);
    const second = await startServe(machine('replica-2'), [], project);
    serves.push(first, second);
    const added = await runCli(['callers', 'add', 'etl', '--allow', 'acme/*'], { env: machine('admin'), cwd: project });
    expect(added.code).toBe(0);
    const key = added.stdout.trim(); // printed once, on purpose: not part of the leak scan
    printed += added.stderr;
    for (const serve of [first, second]) {
      const response = await callServe(serve, '/v1/proxy/acme/default/echo/items', key);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(api.state.tokenRequests).toBe(1); // the replicas share the session
    expectHonestChain();
    const removed = await cli(['callers', 'remove', 'etl'], machine('admin'));
    expect(removed.code).toBe(0);
    expect((await callServe(first, '/v1/connections', key)).status).toBe(401);
    for (const serve of [first, second]) printed += serve.output();
    expect(findLeaks(printed, [...secrets(), key])).toEqual([]);
  });

  it('two serve replicas renewing ahead of expiry with no traffic make one token request per expiry', async () => {
    await storeSecrets();
    api.state.expiresIn = 4; // renewal window 2 s: each session is due 2 s after it is issued
    const check = await cli(['check', 'acme'], machine('setup'));
    expect(check.code).toBe(0);
    const first = await startServe(machine('replica-1'), [], project);
    const second = await startServe(machine('replica-2'), [], project);
    serves.push(first, second);
    // both replicas watch the same session; each expiry must be met by one renewal, not two
    await waitFor(() => api.state.tokenRequests >= 5, 'four renewals ahead of expiry', 60_000);
    await Promise.all([first.stop('SIGTERM'), second.stop('SIGTERM')]);
    serves.splice(0);
    expect(api.state.apiRequests).toBe(0);
    expectHonestChain(); // a second renewal of one expiry would present a spent refresh token
    const stored = await cluster.query<{ n: number }>(`e2e_${databases}`, 'SELECT count(*)::int AS n FROM connectors.sessions');
    expect(stored[0]!.n).toBe(1);
    for (const serve of [first, second]) printed += serve.output();
    expectNoLeaks();
  });

  it('an unreachable database is exit 1 within 20 s, one sentence naming the host, never the password', async () => {
    const unreachable = databaseUrl.replace(`:${cluster.port}/`, ':1/');
    const started = Date.now();
    const result = await cli(['secrets', 'list', 'acme'], machine('offline', { CONNECTORS_DATABASE_URL: unreachable }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Error: Cannot reach the PostgreSQL store at 127.0.0.1:1 (ECONNREFUSED) to prepare the schema. Check the host and port of secret_store.url (or CONNECTORS_DATABASE_URL), and that the server runs.',
    ]);
    expectNoLeaks();
  });

  it('a missing or wrong key is exit 1 with one sentence, and the rows stay as they were', async () => {
    await storeSecrets();
    const missing = await cli(['secrets', 'list', 'acme'], machine('nokey', { CONNECTORS_SECRET_KEY: '' }));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'Error: secret_store type postgres needs CONNECTORS_SECRET_KEY (32 bytes in base64, e.g. from "openssl rand -base64 32"): machines that share the database share no key file.',
    );
    const before = await cluster.query(`e2e_${databases}`, 'SELECT * FROM connectors.secrets ORDER BY name');
    const wrong = await cli(['check', 'acme'], machine('wrongkey', { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Error: The secret client_id of acme\/default in the PostgreSQL store is encrypted with key k_[0-9a-f]{16}, which neither CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds; it is left untouched\./);
    expect(await cluster.query(`e2e_${databases}`, 'SELECT * FROM connectors.secrets ORDER BY name')).toEqual(before);
    expect(api.state.tokenRequests).toBe(0);
    expectNoLeaks();
  });

  it('secrets rekey: with a wrong key it changes no row; with the old key as previous it moves every value to the new key', async () => {
    await storeSecrets();
    const database = `e2e_${databases}`;
    const before = await cluster.query(database, 'SELECT * FROM connectors.secrets ORDER BY name');
    const newKey = randomBytes(32).toString('base64');
    const wrong = await cli(['secrets', 'rekey'], machine('rotate', { CONNECTORS_SECRET_KEY: newKey }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Error: The secret \w+ of acme\/default in the PostgreSQL store is encrypted with key k_[0-9a-f]{16}, which neither CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds; it is left untouched\./);
    expect(await cluster.query(database, 'SELECT * FROM connectors.secrets ORDER BY name')).toEqual(before);

    const rotated = await cli(['secrets', 'rekey'], machine('rotate', { CONNECTORS_SECRET_KEY: newKey, CONNECTORS_SECRET_KEY_PREVIOUS: secretKey }));
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toBe('Re-encrypted 3 stored values (3 secrets, 0 sessions, 0 states, 0 caller keys) under the current key.\n');
    const keyIds = await cluster.query<{ key_id: string }>(database, 'SELECT DISTINCT key_id FROM connectors.secrets');
    expect(keyIds).toHaveLength(1);
    const listed = await cli(['secrets', 'list', 'acme', '--json'], machine('after', { CONNECTORS_SECRET_KEY: newKey }));
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string; source: string }>).filter((entry) => entry.source === 'store').map((entry) => entry.name).sort()).toEqual(['client_id', 'client_secret', 'oauth_refresh_token']);
    expect(findLeaks(printed, [...secrets(), newKey])).toEqual([]);
  });
});
