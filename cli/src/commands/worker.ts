import * as Flags from '@oclif/core/flags';
import { parseDuration } from '@connectors/core/internal/jobs/duration.js';
import { runWorker } from '@connectors/core/internal/jobs/project-queue.js';
import { ProjectCommand } from '../project-command.js';

export default class WorkerCommand extends ProjectCommand {
  static override summary = 'Take queued runs from the job queue until SIGTERM.';
  static override description = `Runs the jobs of one queue, --concurrency at a time, never two runs of one connection at once across all workers. A heartbeat renews each job's lease; a worker that dies (even by SIGKILL) has its job retried by another once the lease expires, from the last saved state. Failed runs are retried 3 times with backoff. Every worker also fires the due schedules. SIGTERM or SIGINT stops the runs in progress at a checkpoint (their state saved, their jobs queued again) and exits 0. One line per job on stderr.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --concurrency 8 --lease 90s',
    '<%= config.bin %> <%= command.id %> --queue nightly',
  ];
  static override flags = {
    concurrency: Flags.integer({ description: 'Runs at once.', default: 2, min: 1, max: 64 }),
    queue: Flags.string({ description: 'The queue to take jobs from.', default: 'default' }),
    lease: Flags.string({ description: 'How long a job stays this worker\'s without a heartbeat (e.g. 10s, 90s, 15m); another worker retries it after that.', default: '15m' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WorkerCommand);
    const leaseMs = parseDuration(flags.lease, '--lease', 3000);
    const project = await this.openProject(flags);
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      await runWorker(project, { concurrency: flags.concurrency, queue: flags.queue, leaseMs, signal: abort.signal });
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
  }
}
