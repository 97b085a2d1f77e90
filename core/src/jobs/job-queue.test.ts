/**
 * The job queue's rules (DESIGN.md section 11, issue 13) on a throwaway cluster, a database per
 * test, with runners injected in place of connector runs: a job runs once and succeeds; runs of one
 * connection never overlap while other connections' run beside them; a failing run is retried three
 * times with backoff, then stays failed; an expired lease gives the job to another worker, and the
 * old attempt's writes change nothing; a stop (SIGTERM) queues the running job again; schedules
 * fire, and are recorded skipped while a run of their connection is going.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { checkCron } from './cron.js';
import { JobQueue, type ClaimedJob, type JobSpec, type JobSummary } from './job-queue.js';
import type { QueueDatabase } from './queue-database.js';
import { describePgUrl } from '../secrets/postgres/describe-pg-error.js';
import { Worker, type JobRunner } from './worker.js';

let cluster: PostgresCluster;
let count = 0;
const queues: JobQueue[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  cluster?.stop();
});

async function freshQueue(options: Record<string, unknown> = {}): Promise<{ open: () => Promise<JobQueue>; database: string }> {
  count += 1;
  const database = `jobs_${count}`;
  const url = await cluster.createDatabase(database);
  const location: QueueDatabase = { url, storeSchema: 'connectors', jobsSchema: 'connectors_jobs', queueSchema: 'connectors_queue', target: describePgUrl(url, 'connectors_jobs') };
  return {
    database,
    open: async () => {
      const queue = await JobQueue.open(location, { supervise: true, retryDelayMs: 100, busyDelayMs: 100, ...options });
      queues.push(queue);
      return queue;
    },
  };
}

function spec(connection: string, extra: Partial<JobSpec> = {}): JobSpec {
  return { target: 'acme', connector: 'acme', connection, streams: [], fullRefresh: false, destination: 'dir:/tmp/out', queue: 'default', ...extra };
}

const quiet = () => undefined;

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function jobsIn(queue: JobQueue, states: string[], n: number): Promise<JobSummary[] | false> {
  const jobs = await queue.listJobs({ limit: 100 });
  return jobs.filter((job) => states.includes(job.state)).length >= n && jobs;
}

function startWorker(queue: JobQueue, run: JobRunner, options: ConstructorParameters<typeof Worker>[2] = {}): { worker: Worker; done: Promise<void> } {
  const worker = new Worker(queue, run, { pollMs: 50, scheduleTickMs: 100, sweepMs: 100, log: quiet, ...options });
  return { worker, done: worker.run() };
}

describe('JobQueue and Worker', () => {
  it('runs an enqueued job once, with its records per stream, and records the worker in the audit', async () => {
    const { open } = await freshQueue();
    const queue = await open();
    const id = await queue.enqueue(spec('default', { streams: ['customers'] }));
    expect((await queue.getJob(id))?.state).toBe('queued');
    const runs: ClaimedJob[] = [];
    const { worker, done } = startWorker(queue, async (job, { progress }) => {
      runs.push(job);
      progress.startStream('customers');
      progress.page(7);
      progress.page(3);
      progress.endStream('completed');
    }, { name: 'w1' });
    const job = await waitFor(async () => ((await queue.getJob(id))?.state === 'succeeded' ? queue.getJob(id) : undefined), 'the job succeeded');
    worker.stop();
    await done;
    expect(runs.map((run) => [run.id, run.attempt, run.streams])).toEqual([[id, 1, ['customers']]]);
    expect(job).toMatchObject({ id, connector: 'acme', connection: 'default', state: 'succeeded', records: { customers: 10 }, worker: 'w1', attempts: 1 });
    expect(job!.startedAt! >= job!.createdAt && job!.finishedAt! >= job!.startedAt!).toBe(true);
    expect(job!.error).toBeUndefined();
    expect(await queue.listAttempts(id)).toEqual([expect.objectContaining({ attempt: 1, worker: 'w1', outcome: 'succeeded' })]);
  });

  it('never runs two jobs of one connection at once across workers, while another connection runs beside them', async () => {
    const { open } = await freshQueue();
    const [a, b] = [await open(), await open()];
    const ids = [];
    for (let i = 0; i < 4; i += 1) ids.push(await a.enqueue(spec('shared')));
    ids.push(await a.enqueue(spec('other')));
    const active = new Map<string, number>();
    const spans: Array<{ connection: string; start: number; end: number }> = [];
    let overlap = 0;
    const run: JobRunner = async (job) => {
      const now = (active.get(job.connection) ?? 0) + 1;
      active.set(job.connection, now);
      if (now > 1) overlap += 1;
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      active.set(job.connection, (active.get(job.connection) ?? 1) - 1);
      spans.push({ connection: job.connection, start, end: Date.now() });
    };
    const one = startWorker(a, run, { concurrency: 2, name: 'a' });
    const two = startWorker(b, run, { concurrency: 2, name: 'b' });
    const jobs = await waitFor(() => jobsIn(a, ['succeeded'], 5), 'every job succeeded', 30_000);
    one.worker.stop();
    two.worker.stop();
    await Promise.all([one.done, two.done]);
    expect(overlap).toBe(0);
    // "other" ran beside one of "shared"'s runs
    const other = spans.find((span) => span.connection === 'other')!;
    expect(spans.some((span) => span.connection === 'shared' && span.start < other.end && other.start < span.end)).toBe(true);
    expect(jobs.map((job) => job.attempts)).toEqual([1, 1, 1, 1, 1]);
    // the four runs of "shared" one after the other: each started after the one before finished
    const shared = jobs.filter((job) => job.connection === 'shared').sort((x, y) => x.startedAt!.localeCompare(y.startedAt!));
    for (let i = 1; i < shared.length; i += 1) expect(shared[i]!.startedAt! >= shared[i - 1]!.finishedAt!).toBe(true);
  });

  it('retries a failing run three times with growing delays, then leaves it failed with one redacted sentence', async () => {
    const { open } = await freshQueue();
    const queue = await open();
    const id = await queue.enqueue(spec('default'));
    const starts: number[] = [];
    const { worker, done } = startWorker(queue, async () => {
      starts.push(Date.now());
      throw new Error('upstream said no\n    at somewhere (file.js:1:1)');
    });
    const job = await waitFor(async () => ((await queue.getJob(id))?.state === 'failed' ? queue.getJob(id) : undefined), 'the job failed', 30_000);
    worker.stop();
    await done;
    expect(starts).toHaveLength(4);
    const gaps = starts.slice(1).map((start, i) => start - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(90); // 100 ms, 200 ms, 400 ms
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(job).toMatchObject({ state: 'failed', attempts: 4, error: 'Unexpected error: upstream said no' });
    expect((await queue.listAttempts(id)).map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
  });

  it('gives the job of a worker whose lease expired to another worker; the old attempt changes nothing', async () => {
    const { open } = await freshQueue();
    const queue = await open();
    const id = await queue.enqueue(spec('default'));
    // a worker that claims the job and then goes silent: no heartbeat, no finish
    const silent = await queue.connect();
    const claimed = await queue.claim(silent, 'default', 'silent', 300);
    expect(claimed.claimed?.attempt).toBe(1);
    silent.release(true); // its connection dies: the run lock goes with it
    const { worker, done } = startWorker(queue, async () => undefined, { name: 'rescuer', leaseMs: 5000 });
    const job = await waitFor(async () => ((await queue.getJob(id))?.state === 'succeeded' ? queue.getJob(id) : undefined), 'the rescuer ran the job');
    worker.stop();
    await done;
    expect(job).toMatchObject({ state: 'succeeded', attempts: 2, worker: 'rescuer' });
    const attempts = await queue.listAttempts(id);
    expect(attempts.map((attempt) => [attempt.worker, attempt.outcome])).toEqual([['silent', 'lost'], ['rescuer', 'succeeded']]);
    expect(attempts[0]!.error).toBe('Worker silent stopped renewing the lease of attempt 1.');
    // the silent worker wakes up: its heartbeat and its finish change nothing
    const late = await queue.connect();
    expect(await queue.heartbeat(late, claimed.claimed!, 300, {})).toBe(false);
    expect(await queue.finish(late, claimed.claimed!, { outcome: 'failed', records: {}, error: 'late' })).toBeUndefined();
    late.release();
    expect((await queue.getJob(id))?.state).toBe('succeeded');
  });

  it('a stop queues the running job again, not failed, and the next worker finishes it', async () => {
    const { open } = await freshQueue();
    const queue = await open();
    const id = await queue.enqueue(spec('default'));
    let started = 0;
    const first = startWorker(queue, (_job, { signal }) => {
      started += 1;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    }, { name: 'first' });
    await waitFor(async () => started === 1, 'the first worker runs the job');
    first.worker.stop();
    await first.done;
    expect((await queue.getJob(id))?.state).toBe('queued');
    const second = startWorker(queue, async () => undefined, { name: 'second' });
    const job = await waitFor(async () => ((await queue.getJob(id))?.state === 'succeeded' ? queue.getJob(id) : undefined), 'the second worker ran the job');
    second.worker.stop();
    await second.done;
    expect(job).toMatchObject({ attempts: 2, worker: 'second' });
    expect((await queue.listAttempts(id)).map((attempt) => attempt.outcome)).toEqual(['interrupted', 'succeeded']);
  });

  it('fires a schedule every second, records a firing during a run as skipped, and stops once removed', async () => {
    const { open } = await freshQueue();
    const queue = await open();
    const schedule = await queue.addSchedule(spec('default'), checkCron('* * * * * *'));
    expect(await queue.listSchedules()).toEqual([schedule]);
    let release: () => void = () => undefined;
    let runs = 0;
    const { worker, done } = startWorker(queue, () => {
      runs += 1;
      // the first run lasts until the test lets it go: the firings meanwhile are skipped
      return runs === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    });
    await waitFor(() => jobsIn(queue, ['skipped'], 2), 'two firings were skipped during the first run');
    release();
    await waitFor(() => jobsIn(queue, ['succeeded'], 2), 'a later firing ran');
    expect(await queue.removeSchedule(schedule.id)).toBe(true);
    expect(await queue.removeSchedule(schedule.id)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a firing in flight when it was removed
    const before = (await queue.listJobs({ limit: 100 })).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    worker.stop();
    await done;
    const jobs = await queue.listJobs({ limit: 100 });
    expect(jobs.length).toBe(before);
    expect(jobs.every((job) => job.scheduleId === schedule.id)).toBe(true);
    expect(jobs.filter((job) => job.state === 'skipped').every((job) => job.finishedAt !== undefined && job.startedAt === undefined)).toBe(true);
  });

  it('opens on an empty database from four processes at once (regression: pg-boss\'s CREATE SCHEMA raced)', async () => {
    const { open } = await freshQueue();
    const opened = await Promise.all([open(), open(), open(), open()]);
    const ids = await Promise.all(opened.map((queue, i) => queue.enqueue(spec(`c${i}`))));
    expect((await opened[0]!.listJobs()).map((job) => job.id).sort()).toEqual([...ids].sort());
  });

  it('refuses a cron expression that does not parse, naming it', () => {
    expect(() => checkCron('61 * * * *')).toThrow('The cron expression "61 * * * *" does not parse: constraint error, got value 61 expected range 0-59.');
    expect(() => checkCron('every day')).toThrow('The cron expression "every day" does not parse: it has 2 fields, not 5 (minute hour day month weekday) or 6 (with seconds first).');
    expect(() => checkCron('')).toThrow(/^The cron expression "" does not parse: it has no fields/);
    expect(checkCron(' 0 3 * * * ')).toBe('0 3 * * *');
    expect(checkCron('@daily')).toBe('@daily');
  });
});
