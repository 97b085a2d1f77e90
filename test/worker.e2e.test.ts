/**
 * The job queue end to end (DESIGN.md section 11, issue 13): the built CLI as separate OS
 * processes, each "machine" with its own CONNECTORS_HOME and nothing shared but a database on a
 * throwaway cluster (one per file, a database per test), against a local node:http API whose pages
 * are slow enough to kill a worker mid-run. Records land in the postgres destination (the store's
 * database). Every byte printed is scanned for the database password and the store key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '@connectors/core/testing';
import { cliBin, findLeaks, runCli, type CliResult } from './helpers/cli.js';

const BASE = Date.UTC(2024, 0, 1);

/** A paged API of `total` events per connection (`/<connection>/events?since=&offset=&limit=`), each page `delayMs` late. */
interface FeedApi {
  url: string;
  total: number;
  delayMs: number;
  /** The largest number of requests of one connection in flight at once. */
  maxInFlight: Map<string, number>;
  /** `since` of each request with offset 0, per connection: where each run (re)started. */
  starts: Map<string, string[]>;
  close(): Promise<void>;
}

async function startFeedApi(total: number, delayMs: number): Promise<FeedApi> {
  const inFlight = new Map<string, number>();
  const api: Omit<FeedApi, 'url' | 'close'> = { total, delayMs, maxInFlight: new Map(), starts: new Map() };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, connection, route] = url.pathname.split('/');
    if (route !== 'events' || !connection) {
      res.writeHead(404).end();
      return;
    }
    const now = (inFlight.get(connection) ?? 0) + 1;
    inFlight.set(connection, now);
    api.maxInFlight.set(connection, Math.max(api.maxInFlight.get(connection) ?? 0, now));
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const since = url.searchParams.get('since') ?? '';
    if (offset === 0) api.starts.set(connection, [...(api.starts.get(connection) ?? []), since]);
    const first = since ? Math.floor((Date.parse(since) - BASE) / 60_000) + 1 : 1;
    const items = [];
    for (let id = first + offset; id < first + offset + limit && id <= api.total; id += 1) {
      items.push({ id, updated_at: new Date(BASE + id * 60_000).toISOString() });
    }
    setTimeout(() => {
      inFlight.set(connection, (inFlight.get(connection) ?? 1) - 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
    }, api.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  }) as FeedApi;
}

const MANIFEST = `apiVersion: connectors/v1
name: feed
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
  required: [base_url]
auth:
  scheme: none
base_url: "{{ config.base_url }}"
streams:
  - name: events
    path: /events
    records: items
    primary_key: id
    pagination: {type: offset, page_size: 10}
    incremental: {param: since, cursor_field: updated_at, start: "2024-01-01T00:00:00Z"}
`;

let cluster: PostgresCluster;
let databases = 0;
let database: string;
let databaseUrl: string;
let secretKey: string;
let root: string;
let project: string;
let api: FeedApi;
let printed: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(() => cluster?.stop());

beforeEach(async () => {
  databases += 1;
  database = `worker_${databases}`;
  databaseUrl = await cluster.createDatabase(database);
  secretKey = randomBytes(32).toString('base64');
  root = mkdtempSync(join(tmpdir(), 'connectors-worker-e2e-'));
  project = join(root, 'project');
  mkdirSync(join(project, 'catalog', 'feed'), { recursive: true });
  writeFileSync(join(project, 'connectors.config.yaml'), 'catalog: ./catalog\nsecret_store:\n  type: postgres\n');
  writeFileSync(join(project, 'catalog', 'feed', 'connector.yaml'), MANIFEST);
  printed = '';
});

afterEach(async () => {
  for (const child of workers.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await api?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The environment of one "machine": its own CONNECTORS_HOME, the shared database and key. */
function machine(name: string): Record<string, string> {
  return { CONNECTORS_HOME: join(root, `home-${name}`), CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: secretKey };
}

async function cli(args: string[], name = 'setup'): Promise<CliResult> {
  const result = await runCli(args, { env: machine(name), cwd: project, timeoutMs: 60_000 });
  printed += result.stdout + result.stderr;
  return result;
}

/** Points connection `connection` of feed at its part of the API. */
async function useConnection(connection: string): Promise<void> {
  const result = await cli(['config', 'set', 'feed', 'base_url', `${api.url}/${connection}`, '--connection', connection]);
  expect(result.code, result.stderr).toBe(0);
}

async function enqueue(args: string[]): Promise<string> {
  const result = await cli(['enqueue', 'feed', ...args]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  return result.stdout.trim();
}

interface Job {
  id: string;
  connector: string;
  connection: string;
  state: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  records: Record<string, number>;
  error?: string;
  worker?: string;
  attempts: number;
  scheduleId?: string;
}

async function jobs(): Promise<Job[]> {
  const result = await cli(['jobs', 'list', '--json', '--limit', '1000']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Job[];
}

/** A worker process on machine `name`; its output is scanned like every other. */
function startWorker(name: string, args: string[] = []): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [cliBin, 'worker', ...args], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...machine(name) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  workers.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function query<T extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]> {
  return cluster.query<T>(database, sql, values);
}

/** The states of the jobs, newest first, read from the database (cheaper than a CLI process per probe). */
async function states(): Promise<string[]> {
  const exists = await query<{ t: string | null }>("SELECT to_regclass('connectors_jobs.jobs')::text AS t");
  if (exists[0]!.t === null) return [];
  return (await query<{ state: string }>('SELECT state FROM connectors_jobs.jobs ORDER BY created_at DESC, id DESC')).map((row) => row.state);
}

/** The ids in the destination table of connection `connection`, sorted, and how many rows it has. */
async function landed(connection: string): Promise<{ rows: number; ids: number[] }> {
  const rows = await query<{ id: number }>(`SELECT (record->>'id')::int AS id FROM connectors_data.feed__events WHERE _connection = $1 ORDER BY 1`, [connection]);
  return { rows: rows.length, ids: rows.map((row) => row.id) };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function expectNoLeaks(): void {
  expect(findLeaks(printed, [cluster.password, secretKey])).toEqual([]);
  expect(printed).not.toMatch(/\n\s+at /);
}

describe('connectors enqueue, worker, jobs list and schedule', { timeout: 150_000 }, () => {
  it('a queued job runs on a worker into postgres with exact counts; SIGTERM stops the worker with exit 0', async () => {
    api = await startFeedApi(25, 0);
    await useConnection('default');
    const id = await enqueue([]);
    expect((await jobs()).map((job) => [job.id, job.state])).toEqual([[id, 'queued']]);
    const worker = startWorker('w1', ['--lease', '10s']);
    await waitFor(async () => (await states())[0] === 'succeeded', 'the job succeeded');
    const [job] = await jobs();
    expect(job).toMatchObject({ id, connector: 'feed', connection: 'default', state: 'succeeded', records: { events: 25 }, attempts: 1 });
    expect(job!.worker).toMatch(new RegExp(`:${worker.child.pid}:`));
    expect(Date.parse(job!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(job!.createdAt));
    expect(Date.parse(job!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(job!.startedAt!));
    expect(job!.error).toBeUndefined();
    expect(await landed('default')).toEqual({ rows: 25, ids: range(25) });

    // a second run continues from the state the first saved in the shared store: no record twice
    api.total = 32;
    await enqueue([]);
    await waitFor(async () => (await states()).join() === 'succeeded,succeeded', 'the second job succeeded');
    expect((await jobs())[0]!.records).toEqual({ events: 7 });
    expect(await landed('default')).toEqual({ rows: 32, ids: range(32) });
    expect(api.starts.get('default')).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T00:25:00.000Z']);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(printed).toMatch(/Worker \S+ stopped\./);
    expectNoLeaks();
  });

  it('two workers never run one connection at once; a queued run waits while another connection runs beside it', async () => {
    api = await startFeedApi(400, 100); // a run of 41 pages of 100 ms: far longer than a poll (1 s) and an enqueue
    await useConnection('a');
    await useConnection('b');
    // one run at a time per worker: whichever takes a's first run, the other must take b's
    const one = startWorker('w1', ['--concurrency', '1', '--lease', '10s']);
    const two = startWorker('w2', ['--concurrency', '1', '--lease', '10s']);
    await waitFor(async () => (printed.match(/takes jobs of queue default/g) ?? []).length === 2, 'both workers are up');
    // all at once: b's run is queued while the first of a's runs, and starts beside it on the other worker
    const ids = await Promise.all([['a'], ['a'], ['a'], ['b']].map(([connection]) => enqueue(['--connection', connection!])));
    await waitFor(async () => (await states()).join() === 'succeeded,succeeded,succeeded,succeeded', 'every job succeeded', 100_000);
    const list = await jobs();
    expect(list.map((job) => job.id).sort()).toEqual([...ids].sort());
    expect(api.maxInFlight.get('a')).toBe(1);
    const runsOfA = list.filter((job) => job.connection === 'a').sort((x, y) => x.startedAt!.localeCompare(y.startedAt!));
    for (let i = 1; i < runsOfA.length; i += 1) expect(Date.parse(runsOfA[i]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(runsOfA[i - 1]!.finishedAt!));
    // b ran while a's runs went on: its run overlaps one of a's
    const b = list.find((job) => job.connection === 'b')!;
    expect(runsOfA.some((a) => a.startedAt! < b.finishedAt! && b.startedAt! < a.finishedAt!)).toBe(true);
    expect(list.every((job) => job.attempts === 1)).toBe(true);
    // both machines took jobs: the audit names each worker
    expect(new Set(list.map((job) => job.worker!.split(':')[1])).size).toBe(2);
    expect(await landed('a')).toEqual({ rows: 400, ids: range(400) });
    expect(await landed('b')).toEqual({ rows: 400, ids: range(400) });
    one.child.kill('SIGTERM');
    two.child.kill('SIGTERM');
    expect(await one.exited).toEqual({ code: 0, signal: null });
    expect(await two.exited).toEqual({ code: 0, signal: null });
    expectNoLeaks();
  });

  it('a worker killed with SIGKILL mid-run: another takes the job after the lease, from the last checkpoint, and every record is there exactly once', async () => {
    api = await startFeedApi(1000, 100); // 100 pages of 100 ms: the first checkpoint after 5 s
    await useConnection('default');
    const id = await enqueue([]);
    const first = startWorker('w1', ['--lease', '3s']);
    await waitFor(async () => (await states())[0] === 'running', 'the first worker runs the job');
    // the first checkpoint is committed with its batch: the run is past it
    await waitFor(async () => (await query<{ n: number }>('SELECT count(*)::int AS n FROM connectors.states'))[0]!.n === 1, 'a checkpoint was saved', 30_000);
    const before = await landed('default');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.rows).toBeGreaterThan(0);
    expect(before.rows).toBeLessThan(1000);

    const second = startWorker('w2', ['--lease', '3s']);
    await waitFor(async () => (await states())[0] === 'succeeded', 'the second worker finished the job', 100_000);
    const [job] = await jobs();
    expect(job).toMatchObject({ id, state: 'succeeded', attempts: 2 });
    expect(job!.worker).toMatch(new RegExp(`:${second.child.pid}:`));
    expect(await landed('default')).toEqual({ rows: 1000, ids: range(1000) });
    // the second attempt started from the checkpoint, not from the beginning
    const starts = api.starts.get('default')!;
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBe('2024-01-01T00:00:00Z');
    expect(Date.parse(starts[1]!)).toBeGreaterThan(BASE);
    const attempts = await query<{ worker: string; outcome: string; error: string }>('SELECT worker, outcome, error FROM connectors_jobs.attempts WHERE job_id = $1 ORDER BY attempt', [id]);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['lost', 'succeeded']);
    expect(attempts[0]!.worker).toMatch(new RegExp(`:${first.child.pid}:`));
    expect(attempts[0]!.error).toMatch(/stopped renewing the lease of attempt 1\.$/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expectNoLeaks();
  });

  it('a schedule fires while a worker runs, is listed, and stops firing once removed', async () => {
    api = await startFeedApi(5, 0);
    await useConnection('default');
    const added = await cli(['schedule', 'add', 'feed', '--cron', '*/2 * * * * *', '--stream', 'events']);
    expect(added.code, added.stderr).toBe(0);
    const scheduleId = added.stdout.trim();
    expect(added.stderr).toMatch(/^Next run at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(UTC\)\.\n$/);
    const listed = await cli(['schedule', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: scheduleId, connector: 'feed', connection: 'default', cron: '*/2 * * * * *', streams: ['events'], destination: 'postgres' }),
    ]);
    const worker = startWorker('w1', ['--lease', '10s']);
    await waitFor(async () => (await states()).filter((state) => state === 'succeeded').length >= 2, 'two firings ran');
    const removed = await cli(['schedule', 'remove', scheduleId]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toBe(`Removed schedule ${scheduleId}.\n`);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a firing that was in flight
    const count = (await states()).length;
    await new Promise((resolve) => setTimeout(resolve, 4500)); // two more periods
    const after = await jobs();
    expect(after.length).toBe(count);
    expect(after.every((job) => job.scheduleId === scheduleId)).toBe(true);
    expect((await cli(['schedule', 'list', '--json'])).stdout).toBe('[]\n');
    const again = await cli(['schedule', 'remove', scheduleId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`Error: There is no schedule ${scheduleId}; "connectors schedule list" shows them.\n`);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expectNoLeaks();
  });

  it('refuses a cron expression that does not parse, an unknown destination and a bad lease: exit 2, one sentence', async () => {
    api = await startFeedApi(1, 0);
    const cron = await cli(['schedule', 'add', 'feed', '--cron', '61 * * * *']);
    expect(cron.code).toBe(2);
    expect(cron.stdout).toBe('');
    expect(cron.stderr).toMatch(/^Error: The cron expression "61 \* \* \* \*" does not parse: constraint error, got value 61 expected range 0-59\. .*\n$/);
    const fields = await cli(['schedule', 'add', 'feed', '--cron', 'every day']);
    expect(fields.code).toBe(2);
    expect(fields.stderr).toMatch(/^Error: The cron expression "every day" does not parse: it has 2 fields/);
    const destination = await cli(['enqueue', 'feed', '--destination', 'ftp:/x']);
    expect(destination.code).toBe(2);
    expect(destination.stderr).toMatch(/^Error: Unknown destination "ftp"; the known destinations are postgres, postgres:<url>, dir:<path> and command:<program and args>\.\n$/);
    const password = await cli(['enqueue', 'feed', '--destination', `postgres:postgres://u:${cluster.password}@127.0.0.1:1/x`]);
    expect(password.code).toBe(2);
    expect(password.stderr).toBe('Error: The destination URL holds a password, which the job list would keep in plain text; give the workers PGPASSWORD or a ~/.pgpass instead.\n');
    const stream = await cli(['enqueue', 'feed', '--stream', 'nope']);
    expect(stream.code).toBe(2);
    expect(stream.stderr).toBe('Error: Connector "feed" has no stream "nope"; its streams are: events.\n');
    const lease = await cli(['worker', '--lease', 'soon']);
    expect(lease.code).toBe(2);
    expect(lease.stderr).toBe('Error: --lease "soon" is not a duration: a whole number and a unit, e.g. 10s, 90s, 15m or 1h.\n');
    // nothing was queued by any of them
    expect(await jobs()).toEqual([]);
    expectNoLeaks();
  });
});
