// Benchmark of the job queue (issue 13): jobs/s through the queue with BENCH_WORKERS (4) worker
// processes (the built CLI's `connectors worker`, each its own CONNECTORS_HOME, concurrency
// BENCH_CONCURRENCY (2)) on trivial runs (one page of one record from a local API into dir:),
// spread over BENCH_CONNECTIONS (32) connections so that the one-run-per-connection rule does
// not serialize them. Baseline in the same run: the same trivial run BENCH_BASELINE_RUNS (100)
// times in a row in one process (runConnector, no queue), i.e. the cost of a run alone.
//
// Prints jobs/s through the queue, the baseline's runs/s, their ratio, and the p50/p99 queueing
// delay (enqueued -> started). Uses the BUILT code (npm run build) and a throwaway PostgreSQL
// cluster (removed afterwards, also on an error or Ctrl-C).
//
//   node bench/worker/queue.js   # BENCH_JOBS (400), BENCH_WORKERS (4), BENCH_CONCURRENCY (2),
//                                # BENCH_CONNECTIONS (32), BENCH_BASELINE_RUNS (100)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cliBin = join(root, 'cli', 'bin', 'run.js');
const JOBS = Number(process.env.BENCH_JOBS ?? 400);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 100);

function refuse(message) {
  console.error(message);
  process.exit(1);
}
for (const [name, value] of Object.entries({ BENCH_JOBS: JOBS, BENCH_WORKERS: WORKERS, BENCH_CONCURRENCY: CONCURRENCY, BENCH_CONNECTIONS: CONNECTIONS, BENCH_BASELINE_RUNS: BASELINE_RUNS })) {
  if (!(Number.isInteger(value) && value > 0)) refuse(`${name} must be a positive whole number.`);
}
if (!existsSync(join(root, 'core', 'dist', 'jobs', 'index.js'))) refuse('Build first: npm run build.');

const { startPostgresCluster } = await import('@connectors/core/testing');
const { openProject } = await import('@connectors/core/internal/runtime/open-project.js');
const { runConnector } = await import('@connectors/core/internal/runtime/run-connector.js');
const { openJobQueue } = await import('@connectors/core/internal/jobs/project-queue.js');

const { cleanups, cleanUp } = await import('../cleanups.js');

const MANIFEST = `apiVersion: connectors/v1
name: trivial
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth:
  scheme: none
base_url: "{{ config.base_url }}"
streams:
  - name: items
    path: /items
    records: items
    primary_key: id
`;

/** An API that answers every request with one record at once. */
async function startApi() {
  const body = Buffer.from(JSON.stringify({ items: [{ id: 1, name: 'one' }] }));
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  const loadAtStart = loadavg()[0];
  const cluster = await startPostgresCluster();
  cleanups.push(() => cluster.stop());
  const databaseUrl = await cluster.createDatabase('bench_queue');
  const api = await startApi();
  cleanups.push(() => api.close());
  const dir = mkdtempSync(join(tmpdir(), 'connectors-bench-queue-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const project = join(dir, 'project');
  mkdirSync(join(project, 'catalog', 'trivial'), { recursive: true });
  writeFileSync(join(project, 'catalog', 'trivial', 'connector.yaml'), MANIFEST);
  writeFileSync(join(project, 'connectors.config.yaml'), `catalog: ./catalog\nsecret_store:\n  type: postgres\nconfig:\n  trivial:\n    base_url: ${api.url}\n`);
  const env = { CONNECTORS_DATABASE_URL: databaseUrl, CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };

  // Baseline: the same run, one after another in one process, without the queue.
  process.chdir(project); // relative paths of connectors.config.yaml start here, as in the CLI
  const baselineProject = await openProject({ cwd: project, env: { ...process.env, ...env, CONNECTORS_HOME: join(dir, 'home-baseline') } });
  const baselineOut = join(dir, 'baseline');
  for (let i = 0; i < 5; i += 1) await runConnector(baselineProject, { connector: 'trivial', connection: `warm${i}`, destination: `dir:${baselineOut}`, quiet: true });
  const baselineStart = performance.now();
  for (let i = 0; i < BASELINE_RUNS; i += 1) {
    await runConnector(baselineProject, { connector: 'trivial', connection: `c${i % CONNECTIONS}`, destination: `dir:${baselineOut}`, quiet: true });
  }
  const baselineSeconds = (performance.now() - baselineStart) / 1000;
  const baselineRate = BASELINE_RUNS / baselineSeconds;

  // The queue: workers up first, then every job enqueued at once; timed until the last one succeeded.
  const queue = await openJobQueue({ config: { secret_store: { type: 'postgres' } }, env });
  cleanups.push(() => void queue.close());
  const workers = [];
  for (let w = 0; w < WORKERS; w += 1) {
    const child = spawn(process.execPath, [cliBin, 'worker', '--concurrency', String(CONCURRENCY), '--lease', '60s'], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, CONNECTORS_HOME: join(dir, `home-${w}`) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let said = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (said += chunk));
    cleanups.push(() => child.kill('SIGKILL'));
    workers.push({ child, said: () => said });
  }
  const deadline = Date.now() + 60_000;
  while (!workers.every((worker) => worker.said().includes('takes jobs'))) {
    if (Date.now() > deadline) throw new Error(`the workers did not start: ${workers.map((worker) => worker.said().trim().split('\n')[0]).join(' / ')}`);
    await sleep(50);
  }
  const start = performance.now();
  for (let i = 0; i < JOBS; i += 1) {
    await queue.enqueue({ target: 'trivial', connector: 'trivial', connection: `c${i % CONNECTIONS}`, streams: [], fullRefresh: false, destination: `dir:${join(dir, 'out')}`, queue: 'default' });
  }
  const enqueueSeconds = (performance.now() - start) / 1000;
  let done = 0;
  while (done < JOBS) {
    const jobs = await queue.listJobs({ limit: JOBS });
    const failed = jobs.find((job) => job.state === 'failed' || job.state === 'retrying');
    if (failed) throw new Error(`a job did not succeed: ${failed.error}`);
    done = jobs.filter((job) => job.state === 'succeeded').length;
    if (performance.now() - start > 600_000) throw new Error(`only ${done} of ${JOBS} jobs succeeded in 10 minutes`);
    if (done < JOBS) await sleep(50);
  }
  const jobs = await queue.listJobs({ limit: JOBS });
  const lastFinish = Math.max(...jobs.map((job) => Date.parse(job.finishedAt)));
  const firstCreate = Math.min(...jobs.map((job) => Date.parse(job.createdAt)));
  const seconds = (lastFinish - firstCreate) / 1000;
  const rate = JOBS / seconds;
  const waits = jobs.map((job) => Date.parse(job.startedAt) - Date.parse(job.createdAt)).sort((a, b) => a - b);
  const perWorker = new Map();
  for (const job of jobs) perWorker.set(job.worker.split(':')[1], (perWorker.get(job.worker.split(':')[1]) ?? 0) + 1);
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.child.exitCode !== null ? resolve() : worker.child.once('exit', resolve)))));

  console.log(`machine: ${cpus().length} vCPU, Node ${process.versions.node}, load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at the end`);
  console.log(`baseline: ${BASELINE_RUNS} trivial runs in a row in one process (no queue): ${baselineRate.toFixed(1)} runs/s (${((baselineSeconds * 1000) / BASELINE_RUNS).toFixed(1)} ms a run)`);
  console.log(`queue: ${JOBS} jobs over ${CONNECTIONS} connections, ${WORKERS} workers x ${CONCURRENCY}: ${rate.toFixed(1)} jobs/s (enqueued in ${enqueueSeconds.toFixed(2)} s, last one done ${seconds.toFixed(2)} s after the first was enqueued)`);
  console.log(`ratio queue / baseline: ${(rate / baselineRate).toFixed(2)}x`);
  console.log(`enqueued -> started: p50 ${percentile(waits, 0.5)} ms, p99 ${percentile(waits, 0.99)} ms`);
  console.log(`jobs per worker: ${[...perWorker.values()].sort((a, b) => b - a).join(', ')}`);
}

try {
  await main();
  cleanUp();
  process.exit(0);
} catch (error) {
  console.error(`bench/worker/queue.js failed: ${error instanceof Error ? error.message : String(error)}`);
  cleanUp();
  process.exit(1);
}
