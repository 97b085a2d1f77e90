/**
 * `connectors run --destination D` end to end (issue 13, DESIGN.md section 11): the built CLI
 * against the paged test API, writing into a throwaway PostgreSQL cluster (one per file, a
 * database per test), a folder, or a Singer target. Exact row counts; a second run upserts and
 * never duplicates; a stream without primary_key appends; a table of another shape is refused and
 * kept; a run killed with SIGKILL mid-stream never leaves the saved state ahead of the rows. Every
 * byte printed is scanned for the database password and the store key.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '@connectors/core/testing';
import { PostgresStore } from '@connectors/core/internal/secrets/postgres/postgres-store.js';
import { toRowKey } from '@connectors/core/internal/secrets/postgres/row-cipher.js';
import { cliBin, findLeaks, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { hasStack, runFixture, startPagedServer, type PagedServer } from './helpers/run-fixtures.js';

const MANIFEST = runFixture('dest');
const TARGETS = join(repoRoot, 'test', 'fixtures', 'destinations');

let cluster: PostgresCluster;
let databases = 0;
let database: string;
let databaseUrl: string;
let secretKey: string;
let root: string;
let project: string;
let printed: string;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
  cluster?.stop();
});

beforeEach(async () => {
  databases += 1;
  database = `dest_${databases}`;
  databaseUrl = await cluster.createDatabase(database);
  secretKey = randomBytes(32).toString('base64');
  root = mkdtempSync(join(tmpdir(), 'connectors-dest-e2e-'));
  project = join(root, 'project');
  mkdirSync(project);
  printed = '';
});

afterEach(() => {
  expect(findLeaks(printed, [cluster.password, secretKey])).toEqual([]);
  expect(hasStack(printed)).toBe(false);
  rmSync(root, { recursive: true, force: true });
});

/** A project whose secret store is the database (`postgres`), or the file store (`file`). */
function useStore(kind: 'postgres' | 'file'): void {
  writeFileSync(join(project, 'connectors.config.yaml'), kind === 'postgres' ? 'secret_store:\n  type: postgres\n' : 'secret_store:\n  type: file\n');
}

function env(machine = 'a'): Record<string, string> {
  return { CONNECTORS_HOME: join(root, `home-${machine}`), CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: secretKey };
}

async function run(server: PagedServer, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(['run', MANIFEST, '--config', `base_url=${server.url}`, ...args], { cwd: project, env: { ...env(), ...extraEnv }, timeoutMs: 60_000 });
  printed += result.stdout + result.stderr;
  return result;
}

function query<T extends Record<string, unknown>>(sql: string, values?: unknown[], db = database): Promise<T[]> {
  return cluster.query<T>(db, sql, values);
}

async function count(table: string, db = database): Promise<number> {
  return (await query<{ n: number }>(`SELECT count(*)::int AS n FROM connectors_data.${table}`, [], db))[0]!.n;
}

/** The state the store keeps for dest/default, read as another machine would. */
async function savedState(): Promise<{ bookmarks: Record<string, { cursor?: string }> } | undefined> {
  const store = new PostgresStore({ url: databaseUrl, key: toRowKey(Buffer.from(secretKey, 'base64')) });
  stores.push(store);
  return (await store.getState({ connector: 'dest', connection: 'default' })) as { bookmarks: Record<string, { cursor?: string }> } | undefined;
}

const updatedAt = (id: number) => new Date(Date.UTC(2024, 0, 1) + id * 60_000).toISOString().replace('.000Z', 'Z');

describe('connectors run --destination postgres (the store database)', () => {
  it('lands every record with exact counts; a second run upserts the keyed stream and appends the other', async () => {
    useStore('postgres');
    const server = await startPagedServer({ total: 95 });
    const first = await run(server, ['--stream', 'items', '--stream', 'events', '--destination', 'postgres']);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(await count('dest__items')).toBe(95);
    expect(await count('dest__events')).toBe(95);
    const rows = await query<{ _connection: string; _pk: string; record: unknown }>("SELECT _connection, _pk, record FROM connectors_data.dest__items WHERE _pk = '[42]'");
    expect(rows).toEqual([{ _connection: 'default', _pk: '[42]', record: { id: 42, name: 'Record 42', updated_at: updatedAt(42) } }]);

    server.state.total = 100; // five new records appear
    const second = await run(server, ['--stream', 'items', '--stream', 'events', '--destination', 'postgres', '--connection', 'default']);
    expect(second.code).toBe(0);
    expect(await count('dest__items')).toBe(100);
    expect((await query<{ n: number }>('SELECT count(DISTINCT _pk)::int AS n FROM connectors_data.dest__items'))[0]!.n).toBe(100);
    expect(await count('dest__events')).toBe(195);
    expect((await query<{ n: number }>('SELECT count(*)::int AS n FROM connectors_data.dest__events WHERE _pk IS NOT NULL'))[0]!.n).toBe(0);
    // nothing but the database: no file store, no state file on this machine
    expect(existsSync(join(root, 'home-a', 'state'))).toBe(false);
  });

  it('commits the incremental state with its rows, and the next run reads only what is new', async () => {
    useStore('postgres');
    const server = await startPagedServer({ total: 250 });
    const first = await run(server, ['--stream', 'changes', '--destination', 'postgres']);
    expect(first.code).toBe(0);
    expect(await count('dest__changes')).toBe(250);
    expect((await savedState())?.bookmarks.changes?.cursor).toBe(updatedAt(250));
    server.state.total = 260;
    server.state.requests.length = 0;
    const second = await run(server, ['--stream', 'changes', '--destination', 'postgres']);
    expect(second.code).toBe(0);
    expect(server.state.requests[0]!.query.since).toBe(updatedAt(250));
    expect(await count('dest__changes')).toBe(260);
    expect((await savedState())?.bookmarks.changes?.cursor).toBe(updatedAt(260));
  });

  it('refuses a table of that name with other columns in one sentence, exit 1, and keeps it', async () => {
    useStore('postgres');
    await query('CREATE SCHEMA connectors_data');
    await query('CREATE TABLE connectors_data.dest__items (id integer PRIMARY KEY, note text)');
    await query("INSERT INTO connectors_data.dest__items VALUES (7, 'mine')");
    const server = await startPagedServer({ total: 5 });
    const result = await run(server, ['--stream', 'items', '--destination', 'postgres']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'Error: The table connectors_data.dest__items already exists and has the columns id integer, note text, not those of a stream with primary_key (_connection text, _pk text, _synced_at timestamptz, record jsonb); it was left as it is. Rename or drop that table yourself, or write to another schema (postgres?schema=NAME).\n',
    );
    expect(await query('SELECT id, note FROM connectors_data.dest__items')).toEqual([{ id: 7, note: 'mine' }]);
    expect(server.state.requests).toHaveLength(0); // refused before the stream's first request
  });

  it('a run killed with SIGKILL between batches never leaves the state ahead of the rows, and the next run completes it exactly once', async () => {
    useStore('postgres');
    const total = 30_000;
    const server = await startPagedServer({ total });
    server.state.stallAfter = 230; // 23,000 records read, then the API stalls mid-stream
    const child = spawn(process.execPath, [cliBin, 'run', MANIFEST, '--config', `base_url=${server.url}`, '--stream', 'changes', '--destination', 'postgres'], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 30_000;
    while (server.state.stalled === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.state.stalled).toBe(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const rows = await count('dest__changes');
    const state = await savedState();
    const cursor = state?.bookmarks.changes?.cursor;
    expect(rows).toBeGreaterThanOrEqual(5000); // batches were committed before the stall (what was still buffered died with the process)
    expect(rows).toBeLessThanOrEqual(23_000);
    expect(typeof cursor).toBe('string');
    // every record at or below the saved cursor is in the table: the state is never ahead of the rows
    const covered = (await query<{ n: number }>("SELECT count(*)::int AS n FROM connectors_data.dest__changes WHERE record->>'updated_at' <= $1", [cursor]))[0]!.n;
    const expected = Math.round((Date.parse(cursor!) - Date.UTC(2024, 0, 1)) / 60_000);
    expect(covered).toBe(expected);
    expect(expected).toBeGreaterThan(0);

    server.state.stallAfter = undefined;
    const rest = await run(server, ['--stream', 'changes', '--destination', 'postgres']);
    expect(rest.code).toBe(0);
    expect(server.state.requests.at(-1)!.query.since).toBeDefined();
    expect(await count('dest__changes')).toBe(total);
    const ids = await query<{ n: number; lo: number; hi: number }>("SELECT count(DISTINCT record->>'id')::int AS n, min((record->>'id')::int) AS lo, max((record->>'id')::int) AS hi FROM connectors_data.dest__changes");
    expect(ids[0]).toEqual({ n: total, lo: 1, hi: total });
    expect((await savedState())?.bookmarks.changes?.cursor).toBe(updatedAt(total));
  });
});

describe('connectors run --destination postgres:<url> and postgres without a database', () => {
  it('writes into another database and saves the state in the project store after each batch', async () => {
    useStore('file');
    const other = `dest_other_${databases}`;
    const otherUrl = await cluster.createDatabase(other);
    const server = await startPagedServer({ total: 42 });
    const result = await run(server, ['--stream', 'changes', '--destination', `postgres:${otherUrl}?schema=landing`], { CONNECTORS_DATABASE_URL: '' });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect((await query<{ n: number }>('SELECT count(*)::int AS n FROM landing.dest__changes', [], other))[0]!.n).toBe(42);
    const stateFile = JSON.parse(readFileSync(join(root, 'home-a', 'state', 'dest', 'default.json'), 'utf8'));
    expect(stateFile).toEqual({ bookmarks: { changes: { cursor: updatedAt(42) } } });
    expect(await query("SELECT 1 FROM information_schema.schemata WHERE schema_name IN ('connectors', 'connectors_data', 'landing')")).toEqual([]);
  });

  it('says what to do when postgres names no database, exit 1; an unknown scheme is exit 2 listing the known ones', async () => {
    useStore('file');
    const server = await startPagedServer({ total: 3 });
    const missing = await run(server, ['--destination', 'postgres'], { CONNECTORS_DATABASE_URL: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      "Error: The destination postgres writes to the store's database, but this project's secret_store is not type postgres and CONNECTORS_DATABASE_URL is not set; name a database with postgres:<url>.",
    );
    const unknown = await run(server, ['--destination', `mysql://root:${cluster.password}@127.0.0.1/db`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('Error: Unknown destination "mysql"; the known destinations are postgres, postgres:<url>, dir:<path> and command:<program and args>.');
    expect(server.state.requests).toHaveLength(0);
  });
});

describe('connectors run --destination dir:PATH', () => {
  it('appends <connector>/<connection>/<stream>.jsonl per run and writes state.json beside it', async () => {
    useStore('file');
    const server = await startPagedServer({ total: 23 });
    for (const round of [1, 2]) {
      const result = await run(server, ['--stream', 'items', '--stream', 'changes', '--destination', 'dir:out', '--connection', 'eu']);
      expect(result.code, `round ${round}`).toBe(0);
      expect(result.stdout).toBe('');
    }
    const folder = join(project, 'out', 'dest', 'eu');
    const items = readFileSync(join(folder, 'items.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).id);
    expect(items).toEqual([...Array.from({ length: 23 }, (_, i) => i + 1), ...Array.from({ length: 23 }, (_, i) => i + 1)]);
    // the second run of the incremental stream found nothing new
    expect(readFileSync(join(folder, 'changes.jsonl'), 'utf8').trim().split('\n')).toHaveLength(23);
    expect(JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8'))).toEqual({ bookmarks: { changes: { cursor: updatedAt(23) } } });
  });
});

describe('connectors run --destination command:<Singer target>', () => {
  it('the target receives SCHEMA, RECORD and STATE; its stderr is in the run log; the state is saved when it exits 0', async () => {
    useStore('file');
    const server = await startPagedServer({ total: 12 });
    const received = join(root, 'received.jsonl');
    const result = await run(server, ['--stream', 'changes', '--destination', `command:'${join(TARGETS, 'record-target.mjs')}' '${received}'`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${join(TARGETS, 'record-target.mjs')}: received {"SCHEMA":1,"RECORD":12,"STATE":1}\n`);
    const messages = readFileSync(received, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(messages[0]).toMatchObject({ type: 'SCHEMA', stream: 'changes', key_properties: ['id'], bookmark_properties: ['updated_at'] });
    expect(messages.slice(1, 13).map((m) => m.record.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(messages[13]).toEqual({ type: 'STATE', value: { bookmarks: { changes: { cursor: updatedAt(12) } } } });
    expect(JSON.parse(readFileSync(join(root, 'home-a', 'state', 'dest', 'default.json'), 'utf8'))).toEqual(messages[13].value);
  });

  it('a target that exits early fails the run in one sentence, exit 1, and the state is not saved', async () => {
    useStore('file');
    const server = await startPagedServer({ total: 3000 }); // more than a pipe holds: the run is still writing
    const target = join(TARGETS, 'early-exit-target.mjs');
    const result = await run(server, ['--stream', 'items', '--destination', `command:${target}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${target}: cannot reach the warehouse\n`);
    expect(result.stderr).toContain(`Error: The Singer target ${target} exited (exit status 3) before the run ended; its output is above.\n`);
    expect(existsSync(join(root, 'home-a', 'state', 'dest', 'default.json'))).toBe(false);
  });

  it('a target that is not executable or missing is one sentence, exit 1, before any request', async () => {
    useStore('file');
    const server = await startPagedServer({ total: 3 });
    const copy = join(root, 'target.mjs');
    copyFileSync(join(TARGETS, 'record-target.mjs'), copy);
    chmodSync(copy, 0o644);
    const refused = await run(server, ['--destination', `command:${copy} out.jsonl`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`Error: The Singer target ${copy} is not executable (EACCES). Make it executable (chmod +x ${copy}), or name its interpreter: command:node ${copy}.\n`);
    const missing = await run(server, ['--destination', 'command:no-such-singer-target --config x.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error: The Singer target no-such-singer-target was not found (ENOENT). Give its path, or put it on PATH.\n');
    expect(server.state.requests).toHaveLength(0);
  });
});
