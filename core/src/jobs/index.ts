/**
 * Runs on many machines (DESIGN.md section 11): a job queue on the PostgreSQL store's database
 * (pg-boss, in the schema `<store schema>_queue`), the job list, its audit and the schedules (in
 * `<store schema>_jobs`), and the worker that takes the jobs. The commands call these like the
 * CLI's other commands call `runtime/`.
 */
export { JobQueue, MAX_RETRIES, type JobState, type JobSpec, type JobSummary, type ScheduleSummary, type ClaimedJob, type AttemptOutcome, type ClaimResult, type JobQueueOptions } from './job-queue.js';
export { Worker, RecordCounter, type JobRunner, type WorkerOptions } from './worker.js';
export { locateQueueDatabase, type QueueDatabase } from './queue-database.js';
export { checkCron, nextFiring } from './cron.js';
export { parseDuration } from './duration.js';
export { resolveJobSpec, checkJobDestination, DEFAULT_JOB_DESTINATION, type JobRunOptions } from './job-spec.js';
export { describeJobError } from './describe-job-error.js';
export { runJob } from './run-job.js';
export { openJobQueue, enqueueRun, addSchedule, listSchedules, removeSchedule, listJobs, runWorker, type RunWorkerOptions } from './project-queue.js';
