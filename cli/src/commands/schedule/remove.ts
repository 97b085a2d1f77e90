import * as Args from '@oclif/core/args';
import { removeSchedule } from '@connectors/core/internal/jobs/project-queue.js';
import { ProjectCommand } from '../../project-command.js';

export default class ScheduleRemove extends ProjectCommand {
  static override summary = 'Remove a schedule (the jobs it queued stay).';
  static override examples = ['<%= config.bin %> <%= command.id %> 0b5e6c1e-3c55-4f0e-9a43-5e1f0c1d2a3b'];
  static override args = {
    id: Args.string({ description: 'The schedule id (connectors schedule list).', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ScheduleRemove);
    await removeSchedule(await this.resolveProject(flags), args.id);
    process.stderr.write(`Removed schedule ${args.id}.\n`);
  }
}
