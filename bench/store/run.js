// Benchmark of the PostgreSQL store (issue 11) against the file store, measured in the same run:
// 1. session reads: `store.getSession(ref)` of a connection holding a stored session, from 1
//    process and from BENCH_PROCESSES (50) processes at once (each its own store, a fixed number
//    of reads in a row); p50/p99 in ms and the postgres / file ratios;
// 2. renewals under contention on one connection: N processes (BENCH_RENEWERS, 8 and 50) each
//    asking the SessionManager for a valid session in a loop, against a local token server whose
//    tokens live BENCH_LIFETIME_MS (20) real ms (a fast clock: see clock.js); renewals/s, and a
//    CHECK of one token request per expiry: a double refresh or an early renewal exits 1.
// Uses the BUILT core (npm run build), a throwaway PostgreSQL cluster (core's startPostgresCluster,
// removed afterwards, also on an error or Ctrl-C) and a temp CONNECTORS_HOME for the file store.
//
//   node bench/store/run.js   # BENCH_PROCESSES (50), BENCH_READS (2000, 1 process), BENCH_READS_EACH (400),
//                             # BENCH_RENEWERS (8,50), BENCH_RENEW_SECONDS (5), BENCH_LIFETIME_MS (20),
//                             # BENCH_PAUSE_MS (2, between a renewer's calls)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastClock } from './clock.js';
import { startTokenServer, TOKEN_LIFETIME_SECONDS } from './token-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 50);
const READS = Number(process.env.BENCH_READS ?? 2000);
const READS_EACH = Number(process.env.BENCH_READS_EACH ?? 400);
const RENEWERS = (process.env.BENCH_RENEWERS ?? '8,50').split(',').map(Number);
const RENEW_SECONDS = Number(process.env.BENCH_RENEW_SECONDS ?? 5);
const LIFETIME_MS = Number(process.env.BENCH_LIFETIME_MS ?? 20);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 2);
const STORES = ['file', 'postgres'];
const CONNECTOR = 'benchstore';
const READ_CONNECTION = 'reads';

/** Stops before anything started: one sentence, exit 1. */
function refuse(message) {
  console.error(message);
  process.exit(1);
}

for (const [name, value] of Object.entries({ BENCH_PROCESSES: PROCESSES, BENCH_READS: READS, BENCH_READS_EACH: READS_EACH, BENCH_RENEW_SECONDS: RENEW_SECONDS, BENCH_LIFETIME_MS: LIFETIME_MS })) {
  if (!(value > 0)) refuse(`${name} must be a positive number.`);
}
if (!(PAUSE_MS >= 0) || !RENEWERS.every((n) => Number.isInteger(n) && n > 0)) refuse('BENCH_PAUSE_MS must be 0 or more and BENCH_RENEWERS positive whole numbers, e.g. 8,50.');
if (!existsSync(join(root, 'core', 'dist', 'testing', 'index.js'))) refuse('Build first: npm run build.');
if (Math.max(...RENEWERS) > PROCESSES) refuse(`BENCH_RENEWERS may not exceed BENCH_PROCESSES (${PROCESSES}).`);

const { startPostgresCluster } = await import('@connectors/core/testing');
const { FileStore } = await import('@connectors/core/internal/secrets/file-store.js');
const { PostgresStore } = await import('@connectors/core/internal/secrets/postgres/postgres-store.js');
const { toRowKey } = await import('@connectors/core/internal/secrets/postgres/row-cipher.js');

const { cleanups, cleanUp } = await import('../cleanups.js');

/** A worker process (worker.js) answering one JSON line per command. */
function startWorker(store, env) {
  const child = spawn(process.execPath, [join(here, 'worker.js')], { env: { ...env, BENCH_STORE: store }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // a worker that died is reported by its 'exit' below
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const waiting = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.once('exit', (code, signal) => {
    const said = stderr.trim().split('\n')[0];
    for (const pending of waiting.splice(0)) pending.reject(new Error(`a ${store} worker ended (${signal ?? `exit ${code}`})${said ? `: ${said}` : '.'}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = next();
  return {
    child,
    ready,
    /** Sends a command; resolves to its answer (a `failed` answer rejects). */
    async send(command) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const result = await answer;
      if (result.failed) throw new Error(`a ${store} worker failed: ${result.failed}`);
      return result;
    },
  };
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function summarize(latencyLists) {
  const all = latencyLists.flat().sort((a, b) => a - b);
  return { count: all.length, p50: percentile(all, 0.5), p99: percentile(all, 0.99) };
}
const fmt = (ms) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));

/** Runs every measure; resolves to true when a renewal check was violated. */
async function main() {
  const started = performance.now();
  const loadAtStart = loadavg()[0];
  const cluster = await startPostgresCluster();
  cleanups.push(() => cluster.stop());
  const databaseUrl = await cluster.createDatabase('bench_store');
  const home = mkdtempSync(join(tmpdir(), 'connectors-bench-store-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const secretKey = randomBytes(32).toString('base64');
  const clockT0 = Date.now();
  const clockSpeed = (TOKEN_LIFETIME_SECONDS * 1000) / LIFETIME_MS;
  const clock = fastClock(clockT0, clockSpeed);
  const tokens = await startTokenServer(clock);
  cleanups.push(() => void tokens.close());

  // The session every reader reads: an oauth2 session as a renewal stores it, valid for an hour.
  const readRef = { connector: CONNECTOR, connection: READ_CONNECTION };
  const readSession = {
    secrets: { oauth_access_token: `access-${randomBytes(24).toString('hex')}`, oauth_refresh_token: `refresh-${randomBytes(24).toString('hex')}`, oauth_client_id: 'bench-client', oauth_client_secret: 'bench-client-secret' },
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    values: { token_type: 'Bearer', scope: 'read write' },
    savedAt: new Date().toISOString(),
  };
  await new FileStore({ home, env: { CONNECTORS_SECRET_KEY: secretKey } }).setSession(readRef, readSession);
  const seeder = new PostgresStore({ url: databaseUrl, key: toRowKey(Buffer.from(secretKey, 'base64')) });
  await seeder.setSession(readRef, readSession);
  await seeder.close();

  const workerEnv = {
    PATH: process.env.PATH,
    HOME: home,
    BENCH_HOME: home,
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_SECRET_KEY: secretKey,
    BENCH_CLOCK_T0: String(clockT0),
    BENCH_CLOCK_SPEED: String(clockSpeed),
  };
  const spawnStarted = performance.now();
  const pools = {};
  for (const store of STORES) {
    pools[store] = Array.from({ length: PROCESSES }, () => startWorker(store, workerEnv));
    cleanups.push(() => pools[store].forEach((worker) => worker.child.kill('SIGKILL')));
  }
  await Promise.all(STORES.flatMap((store) => pools[store].map((worker) => worker.ready)));
  const spawnSeconds = (performance.now() - spawnStarted) / 1000;

  // The file store decrypts once per version of secrets.enc and trusts a version once it has been
  // unchanged for 2 s (racy git), as it is in a server that reads between renewals: "file, cached".
  // "file, decrypting" is the same read while the file keeps changing (touched every 250 ms, as
  // renewals of other connections would): every read decrypts the whole file.
  const secretsFile = join(home, 'secrets.enc');
  const settle = async () => {
    const settled = statSync(secretsFile).mtimeMs + 2500;
    if (Date.now() < settled) await sleep(settled - Date.now());
  };
  const touch = () => {
    const now = new Date();
    utimesSync(secretsFile, now, now);
  };
  /** One read phase: `workers` read `count` times each at once; latencies merged. */
  const readPhase = async (contender, workers, count, warm) => {
    if (contender.touch) touch();
    else if (contender.pool === 'file') await settle();
    const toucher = contender.touch ? setInterval(touch, 250) : undefined;
    const t = performance.now();
    try {
      const answers = await Promise.all(workers.map((worker) => worker.send({ cmd: 'read', connection: READ_CONNECTION, reads: count, warm })));
      if (answers.some((answer) => answer.missing > 0)) throw new Error(`${contender.name}: some reads found no session.`);
      const seconds = (performance.now() - t) / 1000;
      return { ...summarize(answers.map((answer) => answer.latencies)), readsPerSecond: (workers.length * count) / seconds };
    } finally {
      clearInterval(toucher);
    }
  };
  const readContenders = [
    { name: 'file, cached', pool: 'file' },
    { name: 'postgres', pool: 'postgres' },
    { name: 'file, decrypting', pool: 'file', touch: true },
  ];
  const reads = { single: {}, concurrent: {} };
  for (const contender of readContenders) reads.single[contender.name] = await readPhase(contender, pools[contender.pool].slice(0, 1), READS, 50);
  for (const contender of readContenders) reads.concurrent[contender.name] = await readPhase(contender, pools[contender.pool], READS_EACH, 20);

  const renewals = [];
  for (const n of RENEWERS) {
    for (const store of STORES) {
      const run = tokens.open(`${store}-${n}`);
      const t = performance.now();
      const until = Date.now() + RENEW_SECONDS * 1000;
      const command = { cmd: 'renew', connection: `renew-${n}`, tokenUrl: run.tokenUrl, seed: run.seed, until, pauseMs: PAUSE_MS };
      const answers = await Promise.all(pools[store].slice(0, n).map((worker) => worker.send(command)));
      const seconds = (performance.now() - t) / 1000;
      const stats = run.stats();
      const intervals = stats.arrivals.slice(1).map((at, i) => at - stats.arrivals[i]);
      const calls = summarize(answers.map((answer) => answer.latencies));
      renewals.push({
        store,
        processes: n,
        seconds,
        requests: stats.requests,
        renewalsPerSecond: stats.requests / seconds,
        doubleRefreshes: stats.doubleRefreshes,
        early: stats.early,
        intervalP50: intervals.length ? summarize([intervals]).p50 : NaN,
        calls: calls.count,
        callsPerSecond: calls.count / seconds,
        callP50: calls.p50,
        callP99: calls.p99,
        errors: answers.reduce((sum, answer) => sum + answer.errors, 0),
        firstError: answers.find((answer) => answer.firstError)?.firstError,
      });
    }
  }

  const loadAtEnd = loadavg()[0];
  console.log(`store bench: ${cpus().length} vCPU, Node ${process.version.slice(1)}, load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end; ${PROCESSES} + ${PROCESSES} workers started in ${spawnSeconds.toFixed(1)} s`);
  console.log('');
  console.log('session reads, store.getSession(ref): p50 / p99 (file, cached: one stat; file, decrypting: a stat, a read and a decrypt of secrets.enc; postgres: one SELECT and a decrypt)');
  console.log('| readers | file, cached | file, decrypting | postgres | postgres / file cached | postgres / file decrypting | reads/s file cached, decrypting, postgres |');
  console.log('|---|---|---|---|---|---|---|');
  const cell = (row) => `${fmt(row.p50)} / ${fmt(row.p99)} ms`;
  const ratio = (a, b) => `**${(a.p50 / b.p50).toFixed(1)}x** / ${(a.p99 / b.p99).toFixed(1)}x`;
  for (const [label, rows] of [[`1 (${READS} reads)`, reads.single], [`${PROCESSES} (${READS_EACH} reads each)`, reads.concurrent]]) {
    const { 'file, cached': cached, 'file, decrypting': decrypting, postgres } = rows;
    console.log(`| ${label} | ${cell(cached)} | ${cell(decrypting)} | ${cell(postgres)} | ${ratio(postgres, cached)} | ${ratio(postgres, decrypting)} | ${[cached, decrypting, postgres].map((row) => row.readsPerSecond.toFixed(0)).join(', ')} |`);
  }
  console.log('');
  console.log(`renewals on one connection: SessionManager.getSession in a loop (pause ${PAUSE_MS} ms), oauth2 refresh_token grant, token lifetime ${LIFETIME_MS} ms (expires_in ${TOKEN_LIFETIME_SECONDS} s on a ${clockSpeed}x clock), refresh_before 0, ${RENEW_SECONDS} s per run`);
  console.log('| processes | store | renewals/s | token requests | double refreshes | early | interval p50 | getSession calls/s | call p50 | call p99 | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of renewals) {
    console.log(`| ${r.processes} | ${r.store} | ${r.renewalsPerSecond.toFixed(1)} | ${r.requests} | ${r.doubleRefreshes} | ${r.early} | ${fmt(r.intervalP50)} ms | ${r.callsPerSecond.toFixed(0)} | ${fmt(r.callP50)} ms | ${fmt(r.callP99)} ms | ${r.errors} |`);
  }
  for (const n of RENEWERS) {
    const [file, postgres] = STORES.map((store) => renewals.find((r) => r.store === store && r.processes === n));
    console.log(`${n} processes: renewals/s postgres/file **${(postgres.renewalsPerSecond / file.renewalsPerSecond).toFixed(2)}**; renewal overhead beyond the lifetime (interval p50 - ${LIFETIME_MS} ms): file ${fmt(file.intervalP50 - LIFETIME_MS)} ms, postgres ${fmt(postgres.intervalP50 - LIFETIME_MS)} ms`);
  }

  let violated = false;
  for (const r of renewals) {
    if (r.doubleRefreshes > 0 || r.early > 0) {
      violated = true;
      console.log(`VIOLATED: ${r.store} with ${r.processes} processes made ${r.doubleRefreshes} double refreshes and ${r.early} renewals before expiry in ${r.requests} token requests.`);
    } else {
      console.log(`ok: ${r.store} with ${r.processes} processes: ${r.requests} token requests, each the one renewal of its expiry (the first: the first login).`);
    }
    if (r.errors > 0) {
      violated = true;
      console.log(`FAILED: ${r.store} with ${r.processes} processes: ${r.errors} getSession calls failed, the first with: ${r.firstError}`);
    }
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'store.json'), `${JSON.stringify({ node: process.version, loadAtStart, loadAtEnd, processes: PROCESSES, lifetimeMs: LIFETIME_MS, pauseMs: PAUSE_MS, reads, renewals }, null, 2)}\n`);
  return violated;
}

main().then(
  (violated) => {
    cleanUp();
    process.exit(violated ? 1 : 0);
  },
  (error) => {
    console.error(`The store bench failed: ${error instanceof Error ? error.message : String(error)}`);
    cleanUp();
    process.exit(1);
  },
);
