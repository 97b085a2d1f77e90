/**
 * `connectors worker` (DESIGN.md section 11): `concurrency` slots take jobs of one queue until
 * stopped. Each slot has its own database connection, which holds the run lock of the job it runs
 * and renews the job's lease with its progress (a heartbeat every 5 s, or every third of a shorter
 * lease); a run whose lease cannot be renewed, or was given to another worker, is stopped. Beside
 * the slots, every worker fires the due schedules and retries the jobs of workers whose lease
 * expired.
 *
 * {@link Worker.stop} (SIGTERM) stops taking jobs and stops the runs it holds between pages; each
 * saves the state it reached and its job is queued again for the next worker; then it resolves.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ProgressReporter } from '../output/progress.js';
import { redactText } from '../runtime/process-redactor.js';
import { describeJobError } from './describe-job-error.js';
import type { AttemptOutcome, ClaimedJob, JobQueue } from './job-queue.js';

/** Runs one claimed job; rejects when the run fails. */
export type JobRunner = (job: ClaimedJob, context: { signal: AbortSignal; progress: ProgressReporter }) => Promise<void>;

export interface WorkerOptions {
  /** Runs at once (`--concurrency`). Default 2. */
  concurrency?: number;
  /** The queue to take jobs from (`--queue`). Default `default`. */
  queue?: string;
  /** How long a job stays this worker's without a heartbeat (`--lease`). Default 15 minutes. */
  leaseMs?: number;
  /** How often an idle slot looks for a job. Default 1,000 ms. */
  pollMs?: number;
  /** How often the worker looks for due schedules. Default 1,000 ms. */
  scheduleTickMs?: number;
  /** How often the worker looks for expired leases. Default the smaller of half the lease and 5 s. */
  sweepMs?: number;
  /** This worker's name in the audit. Default `<hostname>:<pid>:<random>`. */
  name?: string;
  /** Where the worker says what it does, one line each. Default stderr, redacted. */
  log?: (line: string) => void;
}

/** Counts the records of each stream of a run, for the job list. */
export class RecordCounter extends ProgressReporter {
  readonly records: Record<string, number> = {};
  #stream: string | undefined;

  constructor() {
    super({ output: { write: () => true }, quiet: true });
  }

  override startStream(stream: string): void {
    super.startStream(stream);
    this.#stream = stream;
    this.records[stream] ??= 0;
  }

  override page(records: number): void {
    super.page(records);
    if (this.#stream !== undefined) this.records[this.#stream] = (this.records[this.#stream] ?? 0) + records;
  }
}

/** A worker on a {@link JobQueue}. */
export class Worker {
  readonly name: string;
  readonly #queue: JobQueue;
  readonly #run: JobRunner;
  readonly #concurrency: number;
  readonly #queueName: string;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #scheduleTickMs: number;
  readonly #sweepMs: number;
  readonly #log: (line: string) => void;
  readonly #running = new Set<AbortController>();
  readonly #wakers = new Set<() => void>();
  #stopping = false;
  #lastProblem = '';

  constructor(queue: JobQueue, run: JobRunner, options: WorkerOptions = {}) {
    this.#queue = queue;
    this.#run = run;
    this.#concurrency = options.concurrency ?? 2;
    this.#queueName = options.queue ?? 'default';
    this.#leaseMs = options.leaseMs ?? 15 * 60_000;
    this.#pollMs = options.pollMs ?? 1000;
    this.#scheduleTickMs = options.scheduleTickMs ?? 1000;
    this.#sweepMs = options.sweepMs ?? Math.min(this.#leaseMs / 2, 5000);
    this.name = options.name ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#log = options.log ?? ((line) => process.stderr.write(`${redactText(line)}\n`));
  }

  /** Takes jobs until {@link Worker.stop}; resolves once every slot has ended its run. */
  async run(): Promise<void> {
    this.#log(`Worker ${this.name} takes jobs of queue ${this.#queueName}, ${this.#concurrency} at a time (lease ${formatDuration(this.#leaseMs)}).`);
    const background = [this.#every(this.#scheduleTickMs, () => this.#queue.fireSchedules()), this.#every(this.#sweepMs, () => this.#queue.expireLeases())];
    await Promise.all(Array.from({ length: this.#concurrency }, () => this.#slot()));
    await Promise.all(background);
    this.#log(`Worker ${this.name} stopped.`);
  }

  /** Stops taking jobs and stops the runs in progress at their next page (each saves its state). */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const run of this.#running) run.abort();
    for (const wake of this.#wakers) wake();
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  async #slot(): Promise<void> {
    let client: pg.PoolClient | undefined;
    while (!this.#stopping) {
      try {
        client ??= await this.#queue.connect();
        const result = await this.#queue.claim(client, this.#queueName, this.name, this.#leaseMs);
        if (result.claimed) {
          await this.#runJob(client, result.claimed);
        } else if (result.found === 'nothing') {
          await this.#sleep(this.#pollMs);
        }
      } catch (error) {
        this.#problem(error);
        client?.release(true); // its run lock, if any, goes with the connection
        client = undefined;
        await this.#sleep(this.#pollMs);
      }
    }
    client?.release();
  }

  async #runJob(client: pg.PoolClient, job: ClaimedJob): Promise<void> {
    const what = `Job ${job.id} (${job.connector}/${job.connection}, attempt ${job.attempt})`;
    this.#log(`${what} running.`);
    const abort = new AbortController();
    this.#running.add(abort);
    if (this.#stopping) abort.abort();
    const counter = new RecordCounter();
    let lost: string | undefined;
    let lastRenewal = Date.now();
    let beat: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      beat = beat.then(async () => {
        try {
          if (await this.#queue.heartbeat(client, job, this.#leaseMs, counter.records)) {
            lastRenewal = Date.now();
            return;
          }
          lost ??= 'its lease expired and the job went to another worker';
        } catch (error) {
          if (Date.now() - lastRenewal < this.#leaseMs) return;
          lost ??= `its lease could not be renewed (${describeJobError(error)})`;
        }
        abort.abort();
      });
    }, Math.max(200, Math.min(5000, Math.floor(this.#leaseMs / 3))));
    let result: AttemptOutcome;
    try {
      await this.#run(job, { signal: abort.signal, progress: counter });
      result = { outcome: 'succeeded', records: counter.records };
    } catch (error) {
      result = this.#stopping && lost === undefined ? { outcome: 'interrupted', records: counter.records } : { outcome: 'failed', records: counter.records, error: lost ? `The run stopped: ${lost}.` : describeJobError(error) };
    } finally {
      clearInterval(timer);
      this.#running.delete(abort);
    }
    await beat;
    const state = await this.#queue.finish(client, job, result);
    const counts = Object.entries(result.records).map(([stream, n]) => `${stream} ${n}`).join(', ');
    if (state === undefined) this.#log(`${what} stopped: ${lost ?? 'it is no longer this worker\'s'}.`);
    else if (result.outcome === 'failed') this.#log(`${what} ${state}: ${result.error}`);
    else this.#log(`${what} ${state}${counts ? `: ${counts} records` : ''}.`);
  }

  /** Runs `task` every `ms` until stopped; a failure is reported and the next tick tries again. */
  async #every(ms: number, task: () => Promise<unknown>): Promise<void> {
    while (!this.#stopping) {
      try {
        await task();
      } catch (error) {
        this.#problem(error);
      }
      await this.#sleep(ms);
    }
  }

  /** Reports a problem once, until a different one happens. */
  #problem(error: unknown): void {
    const line = describeJobError(error);
    if (line === this.#lastProblem) return;
    this.#lastProblem = line;
    this.#log(`Worker ${this.name}: ${line}`);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }
}

/** `90 s`, `15 min`. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
