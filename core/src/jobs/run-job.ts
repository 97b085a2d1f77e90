/**
 * How a worker runs a claimed job: `connectors run` as a library call ({@link runConnector}) with
 * the job's streams, `--full-refresh` and destination, in the worker's project: its catalog, and
 * the shared store for secrets, sessions (one renewal across workers) and the state.
 */
import type { ProgressReporter } from '../output/progress.js';
import type { Project } from '../runtime/open-project.js';
import { runConnector } from '../runtime/run-connector.js';
import type { ClaimedJob } from './job-queue.js';

/** Runs `job` in `project` into its destination; rejects when the run fails (the worker then retries it). */
export async function runJob(project: Project, job: ClaimedJob, context: { signal: AbortSignal; progress: ProgressReporter }): Promise<void> {
  await runConnector(project, {
    connector: job.target,
    connection: job.connection,
    streams: job.streams,
    fullRefresh: job.fullRefresh,
    quiet: true,
    signal: context.signal,
    progress: context.progress,
    destination: job.destination,
  });
}
