import * as Flags from '@oclif/core/flags';
import { listJobs } from '@connectors/core/internal/jobs/project-queue.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class JobsList extends ProjectCommand {
  static override summary = 'List the newest jobs: state, records per stream, the worker that ran each.';
  static override description = 'States: queued, running, succeeded, failed, retrying (a failed attempt, retried after a backoff, 3 times), skipped (a schedule fired while a run of its connection was going).';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json --limit 100'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{id, connector, connection, state, createdAt, startedAt?, finishedAt?, records: {<stream>: N}, error?, worker?, attempts, ...}].' }),
    limit: Flags.integer({ description: 'How many jobs, newest first.', default: 20, min: 1, max: 10000 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(JobsList);
    const jobs = await listJobs(await this.resolveProject(flags), { limit: flags.limit });
    if (flags.json) {
      this.outJson(jobs);
      return;
    }
    if (jobs.length === 0) {
      process.stderr.write('No jobs yet; queue one with "connectors enqueue NAME".\n');
      return;
    }
    this.out(formatTable(
      ['ID', 'CONNECTOR', 'CONNECTION', 'STATE', 'CREATED', 'RECORDS', 'WORKER', 'ERROR'],
      jobs.map((job) => [
        job.id,
        job.connector,
        job.connection,
        job.state,
        job.createdAt,
        Object.entries(job.records).map(([stream, n]) => `${stream}=${n}`).join(',') || '-',
        job.worker ?? '-',
        job.error ?? '',
      ]),
      { maxWidth: process.stdout.columns, truncatable: [7] },
    ));
  }
}
