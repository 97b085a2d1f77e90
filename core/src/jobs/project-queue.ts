/**
 * The job queue's commands as library calls (DESIGN.md section 11), each on the project's
 * PostgreSQL store: `enqueue`, `schedule add/list/remove`, `jobs list` and `worker`.
 */
import { UsageError } from '../errors.js';
import type { Project } from '../runtime/open-project.js';
import type { ResolvedProject } from '../runtime/resolve-project.js';
import { checkCron } from './cron.js';
import { JobQueue, type JobQueueOptions, type JobSummary, type ScheduleSummary } from './job-queue.js';
import { resolveJobSpec, type JobRunOptions } from './job-spec.js';
import { locateQueueDatabase } from './queue-database.js';
import { runJob } from './run-job.js';
import { Worker, type JobRunner, type WorkerOptions } from './worker.js';

/** Opens the queue on the project's store (close it when done). */
export function openJobQueue(project: Pick<ResolvedProject, 'config' | 'env'>, options: JobQueueOptions = {}): Promise<JobQueue> {
  return JobQueue.open(locateQueueDatabase(project), options);
}

async function withQueue<T>(project: ResolvedProject, fn: (queue: JobQueue) => Promise<T>): Promise<T> {
  const queue = await openJobQueue(project);
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** `connectors enqueue`: queues one run and returns its job id. */
export async function enqueueRun(project: ResolvedProject, options: JobRunOptions): Promise<string> {
  const spec = await resolveJobSpec(project, options);
  return withQueue(project, (queue) => queue.enqueue(spec));
}

/** `connectors schedule add`: a run of `options` on every firing of `cron` (UTC). */
export async function addSchedule(project: ResolvedProject, options: JobRunOptions & { cron: string }): Promise<ScheduleSummary> {
  const cron = checkCron(options.cron);
  const spec = await resolveJobSpec(project, options);
  return withQueue(project, (queue) => queue.addSchedule(spec, cron));
}

/** `connectors schedule list`. */
export function listSchedules(project: ResolvedProject): Promise<ScheduleSummary[]> {
  return withQueue(project, (queue) => queue.listSchedules());
}

/**
 * `connectors schedule remove ID`.
 * @throws UsageError when no schedule has that id.
 */
export async function removeSchedule(project: ResolvedProject, id: string): Promise<void> {
  const removed = await withQueue(project, (queue) => queue.removeSchedule(id));
  if (!removed) throw new UsageError(`There is no schedule ${id}; "connectors schedule list" shows them.`, { exitCode: 1 });
}

/** `connectors jobs list`: the newest jobs first. */
export function listJobs(project: ResolvedProject, options: { limit?: number } = {}): Promise<JobSummary[]> {
  return withQueue(project, (queue) => queue.listJobs(options));
}

/** What {@link runWorker} needs besides the worker's own options. */
export interface RunWorkerOptions extends WorkerOptions {
  /** Aborted (SIGTERM): stop taking jobs, stop the runs in progress at a checkpoint, resolve. */
  signal?: AbortSignal;
  /** Runs a job; default {@link runJob} in this project. */
  runJob?: JobRunner;
  /** Options of the queue (retry delays); the pool fits the concurrency. */
  queueOptions?: JobQueueOptions;
}

/** `connectors worker`: takes jobs until `signal` aborts, then drains and resolves. */
export async function runWorker(project: Project, options: RunWorkerOptions = {}): Promise<void> {
  const concurrency = options.concurrency ?? 2;
  const queue = await openJobQueue(project, { supervise: true, maxConnections: concurrency + 4, ...options.queueOptions });
  try {
    const worker = new Worker(queue, options.runJob ?? ((job, context) => runJob(project, job, context)), options);
    if (options.signal?.aborted) worker.stop();
    options.signal?.addEventListener('abort', () => worker.stop(), { once: true });
    await worker.run();
  } finally {
    await queue.close();
  }
}
