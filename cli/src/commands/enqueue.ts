import * as Args from '@oclif/core/args';
import { enqueueRun } from '@connectors/core/internal/jobs/project-queue.js';
import { jobRunFlags, jobRunOptions } from '../job-flags.js';
import { ProjectCommand } from '../project-command.js';

export default class Enqueue extends ProjectCommand {
  static override summary = 'Queue one run for the workers and print its job id.';
  static override description = `The queue is in the database of the PostgreSQL secret store (secret_store: {type: postgres}); any \`connectors worker\` on any machine takes the job. At most one run of a connection runs at a time: a run of a connection that is running waits, queued. Follow it with \`connectors jobs list\`.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> tripletex',
    '<%= config.bin %> <%= command.id %> tripletex --connection acme --stream customers --destination dir:/data',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest (the workers must have it at the same path).', required: true }),
  };
  static override flags = jobRunFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Enqueue);
    const project = await this.resolveProject(flags);
    this.out(await enqueueRun(project, jobRunOptions(args.name, flags)));
  }
}
