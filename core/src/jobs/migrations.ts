/**
 * The job list's tables (`<store schema>_jobs`), as numbered migrations applied like the store's
 * ({@link applyMigrations}: at first use, under an advisory lock, never a downgrade).
 *
 * - `jobs`: one row per enqueued run, the truth `connectors jobs list` prints. `attempt` is the
 *   fencing token of the current attempt: a worker changes a row only while its attempt is the
 *   row's. `carrier` is the pg-boss job that delivers the next attempt to a worker.
 * - `attempts`: the audit, one row per attempt: which worker ran it, when, how it ended.
 * - `schedules`: cron schedules; `next_at` is the next firing, moved on by whichever worker fires it.
 */
import type { Migration } from '../secrets/postgres/migrations.js';

export const JOBS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, attempts and schedules',
    sql: `
      CREATE TABLE %s.jobs (
        id uuid PRIMARY KEY,
        queue text NOT NULL,
        target text NOT NULL,
        connector text NOT NULL,
        connection text NOT NULL,
        streams text[] NOT NULL DEFAULT '{}',
        full_refresh boolean NOT NULL DEFAULT false,
        destination text NOT NULL,
        schedule_id uuid,
        state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'retrying', 'skipped')),
        attempt integer NOT NULL DEFAULT 0,
        failures integer NOT NULL DEFAULT 0,
        carrier uuid,
        worker text,
        lease_until timestamptz,
        records jsonb NOT NULL DEFAULT '{}',
        error text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        started_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX jobs_created_at ON %s.jobs (created_at DESC, id);
      CREATE INDEX jobs_open ON %s.jobs (connector, connection) WHERE state IN ('queued', 'running', 'retrying');
      CREATE INDEX jobs_leases ON %s.jobs (lease_until) WHERE state = 'running';
      CREATE TABLE %s.attempts (
        job_id uuid NOT NULL REFERENCES %s.jobs (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        worker text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        outcome text,
        error text,
        PRIMARY KEY (job_id, attempt)
      );
      CREATE TABLE %s.schedules (
        id uuid PRIMARY KEY,
        queue text NOT NULL,
        target text NOT NULL,
        connector text NOT NULL,
        connection text NOT NULL,
        streams text[] NOT NULL DEFAULT '{}',
        full_refresh boolean NOT NULL DEFAULT false,
        destination text NOT NULL,
        cron text NOT NULL,
        next_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX schedules_next_at ON %s.schedules (next_at);
    `,
  },
];
