/**
 * The job queue (DESIGN.md section 11) behind one small interface: pg-boss on the store's
 * database delivers attempts to workers; our own tables ({@link JOBS_MIGRATIONS}) hold the job list,
 * the audit and the schedules.
 *
 * A job is one enqueued run. Each attempt of it is delivered by a pg-boss job (its "carrier")
 * that a worker fetches (`FOR UPDATE SKIP LOCKED`) in the same transaction that claims the job,
 * takes the connection's run lock and completes the carrier, so a worker that dies while claiming
 * leaves the carrier queued. The run lock is a session-level advisory lock on the worker's own
 * database connection, keyed by the connection: at most one run per connection at a time across
 * all workers, and a dead worker's lock goes with its connection. A job whose connection is busy is
 * put back with a new carrier due a moment later, still `queued`. Retries (after a failure or an
 * expired lease) are new carriers due after a backoff; pg-boss's own retries are off.
 *
 * Every change a worker makes to a job names the attempt it holds (a fencing token): once the lease
 * of an attempt has expired and the job was given to another, the old attempt's writes change
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { ConnectorsError } from '../errors.js';
import { toPgStoreError } from '../secrets/postgres/describe-pg-error.js';
import { applyMigrations, quoteIdentifier } from '../secrets/postgres/migrations.js';
import { nextFiring } from './cron.js';
import { JOBS_MIGRATIONS } from './migrations.js';
import type { QueueDatabase } from './queue-database.js';

/** A job's state in `connectors jobs list`. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'retrying' | 'skipped';

/** What a run does: the flags of `connectors enqueue`. */
export interface JobSpec {
  /** The catalog name (or manifest path) the workers resolve. */
  target: string;
  /** The manifest's `name`. */
  connector: string;
  connection: string;
  streams: string[];
  fullRefresh: boolean;
  /** `postgres`, `postgres:<url>`, `dir:PATH` or `command:<target>`. */
  destination: string;
  /** The queue (`--queue`), default `default`. */
  queue: string;
}

/** One row of `connectors jobs list --json`. */
export interface JobSummary {
  id: string;
  connector: string;
  connection: string;
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Records written per stream (the latest attempt's, updated while it runs). */
  records: Record<string, number>;
  /** One redacted sentence: why the last attempt failed. */
  error?: string;
  /** The worker of the latest attempt (the audit). */
  worker?: string;
  /** Attempts started. */
  attempts: number;
  queue: string;
  destination: string;
  streams: string[];
  scheduleId?: string;
}

/** One row of `connectors schedule list --json`. */
export interface ScheduleSummary {
  id: string;
  connector: string;
  connection: string;
  cron: string;
  streams: string[];
  destination: string;
  queue: string;
  fullRefresh: boolean;
  /** The next firing (UTC). */
  nextAt: string;
}

/** A job a worker claimed: what to run, and the attempt (fencing token) it holds. */
export interface ClaimedJob extends JobSpec {
  id: string;
  attempt: number;
  failures: number;
}

/** How an attempt ended. */
export type AttemptOutcome =
  | { outcome: 'succeeded'; records: Record<string, number> }
  | { outcome: 'failed'; records: Record<string, number>; error: string }
  /** Stopped by SIGTERM after saving its checkpoint: queued again, not a failure. */
  | { outcome: 'interrupted'; records: Record<string, number> };

/** Retries after the first failure (DESIGN.md section 11). */
export const MAX_RETRIES = 3;

export interface JobQueueOptions {
  /** Run pg-boss's maintenance (archiving delivered carriers); workers do, one-shot commands do not. */
  supervise?: boolean;
  /** Most connections of the pool. Default 10. */
  maxConnections?: number;
  /** First retry delay; each next one doubles. Default 5,000 ms. */
  retryDelayMs?: number;
  /** How long a job whose connection is busy waits before it is offered again. Default 1,000 ms. */
  busyDelayMs?: number;
}

type JobRow = {
  id: string;
  queue: string;
  target: string;
  connector: string;
  connection: string;
  streams: string[];
  full_refresh: boolean;
  destination: string;
  schedule_id: string | null;
  state: JobState;
  attempt: number;
  failures: number;
  carrier: string | null;
  worker: string | null;
  records: Record<string, number>;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

type ScheduleRow = {
  id: string;
  queue: string;
  target: string;
  connector: string;
  connection: string;
  streams: string[];
  full_refresh: boolean;
  destination: string;
  cron: string;
  next_at: Date;
};

/** What a claim found. */
export type ClaimResult = { claimed: ClaimedJob } | { claimed?: undefined; found: 'nothing' | 'busy' | 'stale' };

/** The queue on one database. Open with {@link JobQueue.open}, {@link JobQueue.close} when done. */
export class JobQueue {
  readonly #pool: pg.Pool;
  readonly #boss: PgBoss;
  readonly #jobs: string;
  readonly #lockSpace: string;
  readonly #retryDelayMs: number;
  readonly #busyDelayMs: number;
  readonly #queues = new Set<string>();
  readonly database: QueueDatabase;

  private constructor(database: QueueDatabase, pool: pg.Pool, boss: PgBoss, options: JobQueueOptions) {
    this.database = database;
    this.#pool = pool;
    this.#boss = boss;
    this.#jobs = quoteIdentifier(database.jobsSchema);
    this.#lockSpace = database.jobsSchema;
    this.#retryDelayMs = options.retryDelayMs ?? 5000;
    this.#busyDelayMs = options.busyDelayMs ?? 1000;
  }

  /**
   * Connects, creates or upgrades our tables and pg-boss's schema, and starts pg-boss.
   * @throws SecretStoreError naming the server (never the password) when it cannot.
   */
  static async open(database: QueueDatabase, options: JobQueueOptions = {}): Promise<JobQueue> {
    const [{ default: driver }, { default: Boss }] = await Promise.all([import('pg'), import('pg-boss')]);
    const pool = new driver.Pool({
      connectionString: database.url,
      application_name: 'connectors',
      connectionTimeoutMillis: 10_000,
      max: options.maxConnections ?? 10,
      allowExitOnIdle: true,
    });
    pool.on('error', () => undefined); // an idle client whose server went away; the next query reports it
    const doing = 'prepare the job queue';
    try {
      // One process at a time creates or upgrades the schemas: pg-boss's own creation, run by
      // several processes at once on an empty database, can fail on CREATE SCHEMA.
      const client = await pool.connect();
      let boss: PgBoss;
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', ['connectors-queue-install', database.queueSchema]);
        await applyMigrations(client, database.jobsSchema, JOBS_MIGRATIONS);
        boss = new Boss({
          db: { executeSql: (text: string, values?: unknown[]) => executeOnPool(pool, text, values) },
          schema: database.queueSchema,
          migrate: true,
          supervise: options.supervise ?? false,
          schedule: false,
        });
        boss.on('error', () => undefined); // maintenance errors: the next query of ours reports the database
        await boss.start();
      } finally {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
        client.release();
      }
      return new JobQueue(database, pool, boss, options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toPgStoreError(error, database.target, doing);
    }
  }

  /** Stops pg-boss and closes the pool. */
  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, close: false }).catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }

  /** A connection of the queue's pool for a worker's slot (it holds the run locks of its runs). */
  async connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.#pool.connect();
      if (!listened.has(client)) {
        // a checked-out client whose server goes away emits 'error'; its query rejects with it too
        client.on('error', () => undefined);
        listened.add(client);
      }
      return client;
    } catch (error) {
      throw toPgStoreError(error, this.database.target, 'connect to the job queue');
    }
  }

  /** Queues one run and returns its job id. */
  async enqueue(spec: JobSpec): Promise<string> {
    await this.#ensureQueue(spec.queue);
    return this.#transaction('queue a run', async (client) => {
      const id = randomUUID();
      await this.#insertJob(client, id, spec, 'queued', null);
      await this.#sendCarrier(client, id, spec.queue, 0);
      return id;
    });
  }

  /** The newest `limit` jobs, newest first. */
  async listJobs(options: { limit?: number } = {}): Promise<JobSummary[]> {
    const rows = await this.#query<JobRow>('list the jobs', `SELECT * FROM ${this.#jobs}.jobs ORDER BY created_at DESC, id DESC LIMIT $1`, [options.limit ?? 20]);
    return rows.map(toJobSummary);
  }

  /** One job, if it exists. */
  async getJob(id: string): Promise<JobSummary | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.#query<JobRow>('read a job', `SELECT * FROM ${this.#jobs}.jobs WHERE id = $1`, [id]);
    return rows[0] ? toJobSummary(rows[0]) : undefined;
  }

  /** The attempts of a job, oldest first: which worker ran it, when and how it ended. */
  async listAttempts(id: string): Promise<Array<{ attempt: number; worker: string; startedAt: string; finishedAt?: string; outcome?: string; error?: string }>> {
    if (!isUuid(id)) return [];
    const rows = await this.#query<{ attempt: number; worker: string; started_at: Date; finished_at: Date | null; outcome: string | null; error: string | null }>(
      'read the attempts of a job',
      `SELECT attempt, worker, started_at, finished_at, outcome, error FROM ${this.#jobs}.attempts WHERE job_id = $1 ORDER BY attempt`,
      [id],
    );
    return rows.map((row) => ({
      attempt: row.attempt,
      worker: row.worker,
      startedAt: row.started_at.toISOString(),
      ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
      ...(row.outcome ? { outcome: row.outcome } : {}),
      ...(row.error ? { error: row.error } : {}),
    }));
  }

  /** Adds a schedule (cron already checked, UTC) and returns it. */
  async addSchedule(spec: JobSpec, cron: string, now = new Date()): Promise<ScheduleSummary> {
    const id = randomUUID();
    const rows = await this.#query<ScheduleRow>(
      'add a schedule',
      `INSERT INTO ${this.#jobs}.schedules (id, queue, target, connector, connection, streams, full_refresh, destination, cron, next_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [id, spec.queue, spec.target, spec.connector, spec.connection, spec.streams, spec.fullRefresh, spec.destination, cron, nextFiring(cron, now)],
    );
    return toScheduleSummary(rows[0]!);
  }

  /** Every schedule, oldest first. */
  async listSchedules(): Promise<ScheduleSummary[]> {
    const rows = await this.#query<ScheduleRow>('list the schedules', `SELECT * FROM ${this.#jobs}.schedules ORDER BY created_at, id`);
    return rows.map(toScheduleSummary);
  }

  /** Removes a schedule; false when there is none with that id. Jobs it queued stay. */
  async removeSchedule(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.#query('remove a schedule', `DELETE FROM ${this.#jobs}.schedules WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /**
   * Fires the schedules that are due: a queued job each, or a `skipped` one when a run of that
   * connection is going; then moves each to its next firing after now (missed firings are not
   * made up). Any number of workers may call this at once: each due schedule fires once.
   */
  async fireSchedules(): Promise<number> {
    return this.#transaction('fire the schedules', async (client) => {
      const { rows } = await client.query<ScheduleRow>(`SELECT * FROM ${this.#jobs}.schedules WHERE next_at <= clock_timestamp() ORDER BY next_at FOR UPDATE SKIP LOCKED LIMIT 100`);
      for (const schedule of rows) {
        const spec: JobSpec = {
          target: schedule.target,
          connector: schedule.connector,
          connection: schedule.connection,
          streams: schedule.streams,
          fullRefresh: schedule.full_refresh,
          destination: schedule.destination,
          queue: schedule.queue,
        };
        const going = await client.query(
          `SELECT 1 FROM ${this.#jobs}.jobs WHERE connector = $1 AND connection = $2 AND state IN ('running', 'retrying') LIMIT 1`,
          [schedule.connector, schedule.connection],
        );
        const id = randomUUID();
        if (going.rows.length > 0) {
          await this.#insertJob(client, id, spec, 'skipped', schedule.id);
        } else {
          await this.#insertJob(client, id, spec, 'queued', schedule.id);
          await this.#sendCarrier(client, id, spec.queue, 0);
        }
        const { rows: now } = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
        const after = now[0]!.now > schedule.next_at ? now[0]!.now : schedule.next_at;
        await client.query(`UPDATE ${this.#jobs}.schedules SET next_at = $2 WHERE id = $1`, [schedule.id, nextFiring(schedule.cron, after)]);
      }
      return rows.length;
    });
  }

  /**
   * Takes the next due job of `queue` on `client` (a slot's own connection, which then holds the
   * connection's run lock until {@link JobQueue.finish}): `busy` when its connection is running
   * elsewhere (the job is offered again a moment later), `stale` for a carrier of a job that moved on.
   */
  async claim(client: pg.ClientBase, queue: string, worker: string, leaseMs: number): Promise<ClaimResult> {
    await this.#ensureQueue(queue);
    const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
    let locked = false;
    try {
      await client.query('BEGIN');
      const carriers = await this.#boss.fetch<{ job?: string }>(queue, { batchSize: 1, db });
      const carrier = carriers[0];
      if (carrier === undefined) {
        await client.query('COMMIT');
        return { found: 'nothing' };
      }
      await this.#boss.complete(queue, carrier.id, {}, { db });
      const { rows } = await client.query<JobRow>(`SELECT * FROM ${this.#jobs}.jobs WHERE id = $1 FOR UPDATE`, [carrier.data?.job ?? null]);
      const row = rows[0];
      if (row === undefined || row.carrier !== carrier.id || (row.state !== 'queued' && row.state !== 'retrying')) {
        await client.query('COMMIT');
        return { found: 'stale' };
      }
      const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked', [this.#lockSpace, runLockKey(row)]);
      locked = lock.rows[0]!.locked;
      if (!locked) {
        await this.#sendCarrier(client, row.id, queue, this.#busyDelayMs);
        await client.query('COMMIT');
        return { found: 'busy' };
      }
      const updated = await client.query<{ attempt: number }>(
        `UPDATE ${this.#jobs}.jobs SET state = 'running', attempt = attempt + 1, worker = $2, carrier = NULL, records = '{}',
           lease_until = clock_timestamp() + $3 * interval '1 millisecond', started_at = COALESCE(started_at, clock_timestamp())
         WHERE id = $1 RETURNING attempt`,
        [row.id, worker, leaseMs],
      );
      const attempt = updated.rows[0]!.attempt;
      await client.query(`INSERT INTO ${this.#jobs}.attempts (job_id, attempt, worker) VALUES ($1, $2, $3)`, [row.id, attempt, worker]);
      await client.query('COMMIT');
      return {
        claimed: {
          id: row.id,
          attempt,
          failures: row.failures,
          target: row.target,
          connector: row.connector,
          connection: row.connection,
          streams: row.streams,
          fullRefresh: row.full_refresh,
          destination: row.destination,
          queue: row.queue,
        },
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (locked) await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      throw toPgStoreError(error, this.database.target, 'take a job');
    }
  }

  /**
   * Renews the lease of an attempt and records its progress. False when the attempt is no longer
   * the job's (its lease expired and the job was given to another): the caller must stop the run.
   */
  async heartbeat(client: pg.ClientBase, job: ClaimedJob, leaseMs: number, records: Record<string, number>): Promise<boolean> {
    try {
      const { rows } = await client.query(
        `UPDATE ${this.#jobs}.jobs SET lease_until = clock_timestamp() + $3 * interval '1 millisecond', records = $4
         WHERE id = $1 AND attempt = $2 AND state = 'running' RETURNING 1`,
        [job.id, job.attempt, leaseMs, JSON.stringify(records)],
      );
      return rows.length > 0;
    } catch (error) {
      throw toPgStoreError(error, this.database.target, 'renew the lease of a job');
    }
  }

  /**
   * Ends an attempt: `succeeded`; `failed` is retried with backoff ({@link MAX_RETRIES} times, then
   * stays failed); `interrupted` is queued again at once. Then frees the connection's run lock.
   */
  async finish(client: pg.ClientBase, job: ClaimedJob, result: AttemptOutcome): Promise<JobState | undefined> {
    let state: JobState | undefined;
    try {
      await client.query('BEGIN');
      state = await this.#endAttempt(client, job.id, job.attempt, result, job.queue);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toPgStoreError(error, this.database.target, 'record the end of a job');
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [this.#lockSpace, runLockKey(job)]).catch(() => undefined);
    }
    return state;
  }

  /**
   * Gives the jobs whose lease expired (their worker died or lost the database) to the next
   * worker: `retrying` after a backoff, or `failed` once the retries are spent.
   */
  async expireLeases(): Promise<number> {
    return this.#transaction('retry the jobs of lost workers', async (client) => {
      const { rows } = await client.query<{ id: string; attempt: number; queue: string; worker: string | null; records: Record<string, number> }>(
        `SELECT id, attempt, queue, worker, records FROM ${this.#jobs}.jobs WHERE state = 'running' AND lease_until < clock_timestamp() FOR UPDATE SKIP LOCKED LIMIT 100`,
      );
      for (const row of rows) {
        const error = `Worker ${row.worker ?? '(unknown)'} stopped renewing the lease of attempt ${row.attempt}.`;
        await this.#endAttempt(client, row.id, row.attempt, { outcome: 'failed', records: row.records, error }, row.queue, 'lost');
      }
      return rows.length;
    });
  }

  async #endAttempt(client: pg.ClientBase, id: string, attempt: number, result: AttemptOutcome, queue: string, outcome: string = result.outcome): Promise<JobState | undefined> {
    const records = JSON.stringify(result.records);
    const error = result.outcome === 'failed' ? result.error : null;
    await client.query(`UPDATE ${this.#jobs}.attempts SET finished_at = clock_timestamp(), outcome = $3, error = $4 WHERE job_id = $1 AND attempt = $2`, [id, attempt, outcome, error]);
    const { rows } = await client.query<{ failures: number }>(`SELECT failures FROM ${this.#jobs}.jobs WHERE id = $1 AND attempt = $2 AND state = 'running' FOR UPDATE`, [id, attempt]);
    if (rows[0] === undefined) return undefined; // no longer this attempt's job
    const set = (state: JobState, extra: string, values: unknown[] = []) =>
      client.query(`UPDATE ${this.#jobs}.jobs SET state = '${state}', lease_until = NULL, records = $2${extra} WHERE id = $1`, [id, records, ...values]);
    if (result.outcome === 'succeeded') {
      await set('succeeded', ', error = NULL, finished_at = clock_timestamp()');
      return 'succeeded';
    }
    if (result.outcome === 'interrupted') {
      await set('queued', '');
      await this.#sendCarrier(client, id, queue, 0);
      return 'queued';
    }
    const failures = rows[0].failures + 1;
    if (failures > MAX_RETRIES) {
      await set('failed', ', error = $3, failures = $4, finished_at = clock_timestamp()', [error, failures]);
      return 'failed';
    }
    await set('retrying', ', error = $3, failures = $4', [error, failures]);
    await this.#sendCarrier(client, id, queue, this.#retryDelayMs * 2 ** (failures - 1));
    return 'retrying';
  }

  async #insertJob(client: pg.ClientBase, id: string, spec: JobSpec, state: JobState, scheduleId: string | null): Promise<void> {
    await client.query(
      `INSERT INTO ${this.#jobs}.jobs (id, queue, target, connector, connection, streams, full_refresh, destination, schedule_id, state, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${state === 'skipped' ? 'clock_timestamp()' : 'NULL'})`,
      [id, spec.queue, spec.target, spec.connector, spec.connection, spec.streams, spec.fullRefresh, spec.destination, scheduleId, state],
    );
  }

  /** A carrier for job `id`, due in `delayMs`, recorded as the job's current one (in `client`'s transaction). */
  async #sendCarrier(client: pg.ClientBase, id: string, queue: string, delayMs: number): Promise<void> {
    await this.#ensureQueue(queue);
    const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
    const carrier = randomUUID();
    const startAfter = new Date(Date.now() + delayMs);
    const sent = await this.#boss.send(queue, { job: id }, { id: carrier, startAfter, retryLimit: 0, db });
    if (sent === null) throw new ConnectorsError(`The job queue did not take the run of job ${id}.`);
    await client.query(`UPDATE ${this.#jobs}.jobs SET carrier = $2 WHERE id = $1`, [id, carrier]);
  }

  /**
   * Creates pg-boss's queue `queue` once, under the same lock as the schemas: pg-boss's
   * `create_queue` run by several processes at once can deadlock.
   */
  async #ensureQueue(queue: string): Promise<void> {
    if (this.#queues.has(queue)) return;
    if ((await this.#boss.getQueue(queue)) === null) {
      const client = await this.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', ['connectors-queue-install', this.database.queueSchema]);
        if ((await this.#boss.getQueue(queue)) === null) await this.#boss.createQueue(queue, { name: queue, policy: 'standard', retryLimit: 0 });
      } finally {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
        client.release();
      }
    }
    this.#queues.add(queue);
  }

  async #query<T extends pg.QueryResultRow = pg.QueryResultRow>(doing: string, sql: string, values?: unknown[]): Promise<T[]> {
    try {
      return (await this.#pool.query<T>(sql, values)).rows;
    } catch (error) {
      throw toPgStoreError(error, this.database.target, doing);
    }
  }

  async #transaction<T>(doing: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      client.release(!rolledBack);
      throw toPgStoreError(error, this.database.target, doing);
    }
  }
}

/**
 * pg-boss's statements on the pool. A failed script of several statements (pg-boss's schema
 * creation holds BEGIN ... COMMIT) can leave its connection in an aborted transaction: it is rolled
 * back before the connection goes back to the pool.
 */
async function executeOnPool(pool: pg.Pool, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  const client = await pool.connect();
  try {
    const result = await client.query(text, values);
    client.release();
    return result;
  } catch (error) {
    const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
    client.release(!rolledBack);
    throw error;
  }
}

/** Clients that already have an 'error' listener (the pool reuses them across checkouts). */
const listened = new WeakSet<pg.PoolClient>();

/** What the run lock of a job's connection is keyed by. */
function runLockKey(job: { connector: string; connection: string }): string {
  return JSON.stringify([job.connector, job.connection]);
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

function toJobSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    connector: row.connector,
    connection: row.connection,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    ...(row.started_at ? { startedAt: row.started_at.toISOString() } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    records: row.records,
    ...(row.error ? { error: row.error } : {}),
    ...(row.worker ? { worker: row.worker } : {}),
    attempts: row.attempt,
    queue: row.queue,
    destination: row.destination,
    streams: row.streams,
    ...(row.schedule_id ? { scheduleId: row.schedule_id } : {}),
  };
}

function toScheduleSummary(row: ScheduleRow): ScheduleSummary {
  return {
    id: row.id,
    connector: row.connector,
    connection: row.connection,
    cron: row.cron,
    streams: row.streams,
    destination: row.destination,
    queue: row.queue,
    fullRefresh: row.full_refresh,
    nextAt: row.next_at.toISOString(),
  };
}
