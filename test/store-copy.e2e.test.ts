/**
 * `connectors store copy` end to end (DESIGN.md section 10 "Moving up"): the built CLI moves a
 * project's file store (secrets, the session a `check` made, a run state and a `serve` caller) into
 * PostgreSQL on a throwaway cluster, and from there back into a folder; each copy prints its counts
 * in one line and a second run finds everything already there; `check` and `run` then work against
 * each copy with the copied session (no new token request). Bad inputs are one sentence. Every byte
 * printed is scanned for every secret, the store keys and the database password.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '@connectors/core/testing';
import { findLeaks, parseLines, runCli, type CliResult } from './helpers/cli.js';
import { writeOAuthConnector } from './helpers/serve.js';
import { listen, parseAuthorization, sendJson } from './servers/http-kit.js';
import { startRotatingOAuth } from './servers/rotating-oauth.js';

const CLIENT_ID = 'copy-e2e-client-id';
const CLIENT_SECRET = 'copy-e2e-client-secret-Vb73kQ';
const SEED_REFRESH = 'rt_copy_e2e_seed_refresh_token_value';
const STATE = { bookmarks: { items: { cursor: '2030-06-01T00:00:00Z' } } };

let cluster: PostgresCluster;
let databases = 0;
let database: string;
let databaseUrl: string;
let root: string;
let project: string;
let fileHome: string;
let api: Awaited<ReturnType<typeof startRotatingOAuth>>;
/** The connector's API: two records for a bearer token the token server issued and still honours. */
let records: Awaited<ReturnType<typeof listen>>;
let printed: string;
const keys: string[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(() => cluster?.stop());

beforeEach(async () => {
  databases += 1;
  database = `copy_${databases}`;
  databaseUrl = await cluster.createDatabase(database);
  root = mkdtempSync(join(tmpdir(), 'connectors-copy-e2e-'));
  project = join(root, 'project');
  fileHome = join(root, 'home');
  mkdirSync(project);
  useFileStore();
  api = await startRotatingOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [SEED_REFRESH] });
  records = await listen(async (req, res) => {
    const token = parseAuthorization(req.headers.authorization, 'Bearer');
    if (!token || !api.state.liveAccess.has(token)) return sendJson(res, 401, { error: 'invalid_token' });
    return sendJson(res, 200, [{ id: 1 }, { id: 2 }]);
  });
  writeOAuthConnector(join(project, 'catalog'), 'acme', api.tokenUrl, records.url);
  printed = '';
  keys.length = 0;
});

afterEach(async () => {
  await api.close();
  await records.close();
  rmSync(root, { recursive: true, force: true });
});

function useFileStore(): void {
  writeFileSync(join(project, 'connectors.config.yaml'), 'catalog: ./catalog\n');
}

function usePostgresStore(): void {
  writeFileSync(join(project, 'connectors.config.yaml'), 'catalog: ./catalog\nsecret_store:\n  type: postgres\n');
}

function newKey(): string {
  const key = randomBytes(32).toString('base64');
  keys.push(key);
  return key;
}

async function cli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const result = await runCli(args, { env, cwd: project, input, timeoutMs: 60_000 });
  printed += result.stdout + result.stderr;
  return result;
}

/** The file-store project: three secrets, a session from `check`, a saved state, a caller. */
async function fillFileStore(): Promise<void> {
  const env = { CONNECTORS_HOME: fileHome };
  for (const [name, value] of [['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['oauth_refresh_token', SEED_REFRESH]] as const) {
    expect((await cli(['secrets', 'set', 'acme', name], env, value)).code).toBe(0);
  }
  const checked = await cli(['check', 'acme'], env);
  expect(checked.code).toBe(0);
  expect(api.state.tokenRequests).toBe(1); // the session (with the rotated refresh token) is in the file store
  const added = await runCli(['callers', 'add', 'etl', '--allow', 'acme/*'], { env, cwd: project });
  expect(added.code).toBe(0);
  printed += added.stderr; // the caller key on stdout is printed once on purpose
  mkdirSync(join(fileHome, 'state', 'acme'), { recursive: true });
  writeFileSync(join(fileHome, 'state', 'acme', 'default.json'), JSON.stringify(STATE));
}

function secrets(): string[] {
  return [CLIENT_SECRET, SEED_REFRESH, cluster.password, ...keys, ...api.state.issued];
}

function expectNoLeaks(): void {
  expect(findLeaks(printed, secrets())).toEqual([]);
  expect(printed).not.toMatch(/\n\s+at /);
}

/** `check` and `run` work against a store with the copied session: no token request is made. */
async function expectWorksWithCopiedSession(env: Record<string, string>): Promise<void> {
  const checked = await cli(['check', 'acme'], env);
  expect(checked.stderr).not.toMatch(/Error/);
  expect(checked.code).toBe(0);
  const ran = await cli(['run', 'acme'], env);
  expect(ran.stderr).not.toMatch(/Error/);
  expect(ran.code).toBe(0);
  expect(parseLines(ran.stdout).filter((line) => line.type === 'RECORD').map((line) => line.record)).toEqual([{ id: 1 }, { id: 2 }]);
  expect(api.state.tokenRequests).toBe(1);
  expect(api.state.invalidGrants).toBe(0);
}

describe('connectors store copy', () => {
  it('file store -> postgres -> folder: counts once, "already there" the second time, and check/run work on each copy', async () => {
    await fillFileStore();
    const fileKey = readFileSync(join(fileHome, 'secret.key'), 'utf8').trim();
    keys.push(fileKey);
    const databaseKey = newKey();
    // the file store opens with its old key (as previous); the database is sealed with a new one
    const toDatabase = { CONNECTORS_HOME: fileHome, CONNECTORS_SECRET_KEY: databaseKey, CONNECTORS_SECRET_KEY_PREVIOUS: fileKey };
    const where = `schema connectors of postgres://postgres@127.0.0.1:${cluster.port}/${database}`;

    const first = await cli(['store', 'copy', '--to', databaseUrl], toDatabase);
    expect(first.stderr).toBe(`Copied 3 secrets, 1 session, 1 state and 1 caller to ${where} (0 already there).\n`);
    expect(first.stdout).toBe('');
    expect(first.code).toBe(0);
    const again = await cli(['store', 'copy', '--to', databaseUrl], toDatabase);
    expect(again.stderr).toBe(`Copied 0 secrets, 0 sessions, 0 states and 0 callers to ${where} (6 already there).\n`);
    expect(again.code).toBe(0);
    const rows = await cluster.query<{ n: number }>(database, 'SELECT (SELECT count(*) FROM connectors.secrets)::int + (SELECT count(*) FROM connectors.states)::int AS n');
    expect(rows[0]!.n).toBe(4);

    usePostgresStore();
    const onDatabase = { CONNECTORS_HOME: join(root, 'home-db'), CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: databaseKey };
    await expectWorksWithCopiedSession(onDatabase);
    const listed = await cli(['callers', 'list'], onDatabase);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('etl');

    const folder = join(root, 'moved-back');
    const back = await cli(['store', 'copy', '--to', folder], onDatabase);
    expect(back.stderr).toBe(`Copied 3 secrets, 1 session, 1 state and 1 caller to the file store in ${folder} (0 already there).\n`);
    expect(back.code).toBe(0);
    const backAgain = await cli(['store', 'copy', '--to', '../moved-back/'], onDatabase);
    expect(backAgain.stderr).toBe(`Copied 0 secrets, 0 sessions, 0 states and 0 callers to the file store in ${folder} (6 already there).\n`);
    expect(backAgain.code).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, 'state', 'acme', 'default.json'), 'utf8'))).toEqual(STATE);

    useFileStore();
    await expectWorksWithCopiedSession({ CONNECTORS_HOME: folder, CONNECTORS_SECRET_KEY: databaseKey });
    expectNoLeaks();
  });

  it('a value that differs at the destination is overwritten (the source wins) and counted', async () => {
    await fillFileStore();
    const env = { CONNECTORS_HOME: fileHome };
    const folder = join(root, 'copy');
    expect((await cli(['store', 'copy', '--to', folder], env)).code).toBe(0);
    expect((await cli(['secrets', 'set', 'acme', 'client_id'], { CONNECTORS_HOME: folder }, 'another-client-id')).code).toBe(0);
    const again = await cli(['store', 'copy', '--to', folder], env);
    expect(again.stderr).toBe(`Copied 1 secret, 0 sessions, 0 states and 0 callers to the file store in ${folder} (5 already there, 1 overwritten).\n`);
    expect(again.code).toBe(0);
    expectNoLeaks();
  });

  it('bad inputs: one sentence each, exit 1 (a missing --to is a usage error, exit 2), nothing copied', async () => {
    await fillFileStore();
    const fileEnv = { CONNECTORS_HOME: fileHome };
    const databaseKey = newKey();
    const unreachable = databaseUrl.replace(`:${cluster.port}/`, ':1/');
    const cases: Array<{ args: string[]; env: Record<string, string>; code: number; line: string | RegExp }> = [
      {
        args: ['store', 'copy', '--to', unreachable],
        env: { ...fileEnv, CONNECTORS_SECRET_KEY: databaseKey, CONNECTORS_SECRET_KEY_PREVIOUS: readFileSync(join(fileHome, 'secret.key'), 'utf8').trim() },
        code: 1,
        line: 'Error: Cannot reach the PostgreSQL store at 127.0.0.1:1 (ECONNREFUSED) to prepare the schema. Check the host and port of --to, and that the server runs.',
      },
      {
        args: ['store', 'copy', '--to', databaseUrl],
        env: fileEnv,
        code: 1,
        line: 'Error: secret_store type postgres needs CONNECTORS_SECRET_KEY (32 bytes in base64, e.g. from "openssl rand -base64 32"): machines that share the database share no key file.',
      },
      {
        args: ['store', 'copy', '--to', fileHome],
        env: fileEnv,
        code: 1,
        line: `Error: --to ${fileHome} is the project's own secret store; copy it to another folder or database.`,
      },
      { args: ['store', 'copy'], env: fileEnv, code: 2, line: /^Error: .*Missing required flag to/ },
      // the URL without --to: the error about the command line does not print its password either
      { args: ['store', 'copy', databaseUrl], env: fileEnv, code: 2, line: /^Error: Unknown command `store copy postgres .*\*\*\*@127\.0\.0\.1/ },
      { args: ['store', 'copy', '--to', 'mysql://u:pw@localhost/db'], env: fileEnv, code: 2, line: 'Error: --to must be a postgres:// URL or a folder, not a mysql:// URL.' },
    ];
    for (const { args, env, code, line } of cases) {
      const result = await cli(args, env);
      const lines = result.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      if (typeof line === 'string') expect(lines[0]).toBe(line);
      else expect(lines[0]).toMatch(line);
      expect(result.stdout).toBe('');
      expect(result.code, args.join(' ')).toBe(code);
    }
    // onto itself from a postgres project: the same database and schema, whoever logs in
    usePostgresStore();
    const onDatabase = { CONNECTORS_HOME: join(root, 'home-db'), CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: databaseKey };
    const itself = await cli(['store', 'copy', '--to', databaseUrl], onDatabase);
    expect(itself.stderr).toBe(`Error: --to names the project's own secret store (schema connectors of postgres://postgres@127.0.0.1:${cluster.port}/${database}); copy it to another database or --schema.\n`);
    expect(itself.code).toBe(1);
    // nothing reached the database: no schema was even created
    const schemas = await cluster.query<{ n: number }>(database, "SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'connectors'");
    expect(schemas[0]!.n).toBe(0);
    expectNoLeaks();
  });
});
