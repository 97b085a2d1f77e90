#!/usr/bin/env node
// Benchmark of the destinations (issue 13), every figure against a baseline measured in the same run:
// 1. postgres: the same BENCH_TOTAL (200,000) records, in pages of 1,000 with a checkpoint after
//    each, written by the `postgres` destination of the BUILT core (PostgresDestination, the
//    store's database: every batch commits its state row in its own transaction) into its fresh
//    keyed table, against a raw `COPY ... FROM STDIN` of the same rows with pg (pg-copy-streams)
//    into a fresh table of the same shape and primary key. Target: destination / COPY >= 0.5.
//    Also: the destination again into its full table (a re-run: every row is upserted).
// 2. dir: against --output: the built CLI run end to end (a child process, the paged test API
//    serving the records in pages of 1,000), records/s over the whole process. Also reported, for
//    context: `run --destination postgres` end to end (a first load into a fresh table).
// Rounds alternate the contenders; medians are compared. A throwaway PostgreSQL cluster (core's
// startPostgresCluster) is removed afterwards, also on an error or Ctrl-C.
//
//   node bench/worker/destination.js   # BENCH_TOTAL (200000), BENCH_ROUNDS (3)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pagedRecord, startPagedServer } from '../../test/servers/paged-api.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'cli', 'bin', 'run.js');
const manifest = join(root, 'bench', 'run', 'bench.yaml');
const TOTAL = Number(process.env.BENCH_TOTAL ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE = 1000;

if (!(TOTAL >= PAGE) || !(ROUNDS >= 1)) {
  console.error(`BENCH_TOTAL must be at least ${PAGE} and BENCH_ROUNDS at least 1.`);
  process.exit(1);
}
if (!existsSync(join(root, 'core', 'dist', 'destinations', 'postgres.js')) || !existsSync(cli)) {
  console.error('Build first: npm run build.');
  process.exit(1);
}

const { startPostgresCluster } = await import('@connectors/core/testing');
const { PostgresDestination } = await import('@connectors/core/internal/destinations/postgres.js');
const { describePgUrl } = await import('@connectors/core/internal/secrets/postgres/describe-pg-error.js');
const { PostgresStore } = await import('@connectors/core/internal/secrets/postgres/postgres-store.js');
const { toRowKey } = await import('@connectors/core/internal/secrets/postgres/row-cipher.js');
const { default: pg } = await import('pg');
const { from: copyFrom } = await import('pg-copy-streams');

const { cleanups, cleanUp } = await import('../cleanups.js');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const perSecond = (ms) => Math.round(TOTAL / (ms / 1000));

// A failure anywhere: one line, the cluster removed, exit 1 (the servers' handles would keep the process up).
process.on('unhandledRejection', (error) => {
  console.error(`bench/worker/destination.js failed: ${error instanceof Error ? error.message : String(error)}`);
  cleanUp();
  process.exit(1);
});

const cluster = await startPostgresCluster();
cleanups.push(() => cluster.stop());
const url = await cluster.createDatabase('bench');
const secretKey = randomBytes(32).toString('base64');
const store = new PostgresStore({ url, key: toRowKey(Buffer.from(secretKey, 'base64')) });
const pages = [];
for (let first = 1; first <= TOTAL; first += PAGE) {
  pages.push(Array.from({ length: Math.min(PAGE, TOTAL - first + 1) }, (_, i) => pagedRecord(first + i)));
}

/**
 * The postgres destination, state in the batch's transaction: into a fresh table (`fresh`), or
 * again into the table that holds every record already (every row upserted).
 */
async function writeWithDestination(fresh = true) {
  if (fresh) await cluster.query('bench', 'DROP TABLE IF EXISTS connectors_data.bench__items');
  const started = performance.now();
  const destination = new PostgresDestination({
    url,
    target: describePgUrl(url, 'connectors_data'),
    schema: 'connectors_data',
    connector: 'bench',
    connection: 'default',
    description: 'postgres (bench)',
    state: { inTransaction: store },
  });
  await destination.startStream({ name: 'items', schema: { type: 'object' }, keyProperties: ['id'] });
  let state;
  for (const page of pages) {
    await destination.writeRecords('items', page);
    state = { bookmarks: { items: { cursor: page.at(-1).id } } };
    await destination.writeState(state);
  }
  await destination.endStream('items');
  await destination.close(state);
  const ms = performance.now() - started;
  const rows = (await cluster.query('bench', 'SELECT count(*)::int AS n FROM connectors_data.bench__items'))[0].n;
  if (rows !== TOTAL) throw new Error(`the destination wrote ${rows} rows, expected ${TOTAL}`);
  return ms;
}

/** COPY text of one value: backslashes doubled (JSON escapes control characters itself). */
const copyText = (text) => text.replaceAll('\\', '\\\\');

/** A raw COPY of the same rows into a fresh table of the same shape. */
async function writeWithCopy() {
  await cluster.query('bench', 'DROP TABLE IF EXISTS bench_raw.items');
  await cluster.query('bench', 'CREATE TABLE bench_raw.items (_connection text NOT NULL, _pk text NOT NULL, _synced_at timestamptz NOT NULL, record jsonb NOT NULL, PRIMARY KEY (_connection, _pk))');
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copy = client.query(copyFrom('COPY bench_raw.items (_connection, _pk, _synced_at, record) FROM STDIN'));
    const done = new Promise((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    const now = new Date().toISOString();
    for (const page of pages) {
      let chunk = '';
      for (const record of page) chunk += `default\t${copyText(JSON.stringify([record.id]))}\t${now}\t${copyText(JSON.stringify(record))}\n`;
      if (!copy.write(chunk)) await new Promise((resolve) => copy.once('drain', resolve));
    }
    copy.end();
    await done;
  } finally {
    await client.end();
  }
  const ms = performance.now() - started;
  const rows = (await cluster.query('bench', 'SELECT count(*)::int AS n FROM bench_raw.items'))[0].n;
  if (rows !== TOTAL) throw new Error(`COPY wrote ${rows} rows, expected ${TOTAL}`);
  return ms;
}

/** `connectors run bench.yaml ...args` as a child process; resolves to its wall time. */
function runCli(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'run', manifest, '--quiet', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`connectors run ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`))));
  });
}

await cluster.query('bench', 'CREATE SCHEMA bench_raw');
await writeWithCopy(); // warm up both paths and the server's caches
await writeWithDestination();
const postgres = { destination: [], rerun: [], copy: [] };
for (let round = 0; round < ROUNDS; round += 1) {
  for (const name of round % 2 ? ['copy', 'destination', 'rerun'] : ['destination', 'rerun', 'copy']) {
    const ms = name === 'copy' ? await writeWithCopy() : await writeWithDestination(name === 'destination');
    postgres[name].push(ms);
    process.stderr.write(`round ${round + 1} postgres ${name}: ${(ms / 1000).toFixed(2)} s\n`);
  }
}

const server = await startPagedServer({ total: TOTAL, log: false });
cleanups.push(() => void server.close());
const work = mkdtempSync(join(tmpdir(), 'connectors-bench-dest-'));
cleanups.push(() => rmSync(work, { recursive: true, force: true }));
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(join(project, 'connectors.config.yaml'), 'secret_store:\n  type: postgres\n');
const contenders = {
  output: (round) => ['--config', `base_url=${server.url}`, '--output', join(work, `output-${round}`)],
  dir: (round) => ['--config', `base_url=${server.url}`, '--destination', `dir:${join(work, `dir-${round}`)}`],
  postgres: () => ['--config', `base_url=${server.url}`, '--destination', 'postgres'],
};
const cliEnv = (round) => ({ CONNECTORS_HOME: join(work, `home-${round}`), CONNECTORS_DATABASE_URL: url, CONNECTORS_SECRET_KEY: secretKey });
const cliTimes = { output: [], dir: [], postgres: [] };
await runCli(contenders.output('warm'), cliEnv('warm'), work);
for (let round = 0; round < ROUNDS; round += 1) {
  const order = round % 2 ? ['postgres', 'dir', 'output'] : ['output', 'dir', 'postgres'];
  for (const name of order) {
    // the postgres runs in the project whose secret_store is the database (a first load each: the
    // table is dropped before); the others with the file store
    if (name === 'postgres') await cluster.query('bench', 'DROP TABLE IF EXISTS connectors_data.bench__items');
    const ms = await runCli(contenders[name](round), cliEnv(round), name === 'postgres' ? project : work);
    cliTimes[name].push(ms);
    process.stderr.write(`round ${round + 1} run ${name}: ${(ms / 1000).toFixed(2)} s\n`);
  }
}
await store.close();
await server.close();

const destinationRate = perSecond(median(postgres.destination));
const rerunRate = perSecond(median(postgres.rerun));
const copyRate = perSecond(median(postgres.copy));
const outputRate = perSecond(median(cliTimes.output));
const dirRate = perSecond(median(cliTimes.dir));
const pgRunRate = perSecond(median(cliTimes.postgres));
const result = {
  benchmark: 'destinations',
  records: TOTAL,
  pageSize: PAGE,
  rounds: ROUNDS,
  machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg().map((n) => Number(n.toFixed(1))) },
  postgres: {
    destinationRecordsPerS: destinationRate,
    copyRecordsPerS: copyRate,
    ratio: Number((destinationRate / copyRate).toFixed(2)),
    target: '>= 0.5',
    rerunRecordsPerS: rerunRate,
    rerunRatio: Number((rerunRate / copyRate).toFixed(2)),
  },
  dir: { dirRecordsPerS: dirRate, outputRecordsPerS: outputRate, ratio: Number((dirRate / outputRate).toFixed(2)) },
  runPostgres: { recordsPerS: pgRunRate, ratioToOutput: Number((pgRunRate / outputRate).toFixed(2)) },
};
result.pass = result.postgres.ratio >= 0.5;
console.log(JSON.stringify(result, null, 2));
cleanUp();
process.exit(result.pass ? 0 : 1);
