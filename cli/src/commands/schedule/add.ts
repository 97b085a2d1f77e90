import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { addSchedule } from '@connectors/core/internal/jobs/project-queue.js';
import { jobRunFlags, jobRunOptions } from '../../job-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class ScheduleAdd extends ProjectCommand {
  static override summary = 'Queue a run on a cron schedule (UTC) and print the schedule id.';
  static override description = `The running workers fire the schedule: one queued job per firing, or a job recorded as skipped when a run of that connection is still going. Five cron fields (minute hour day month weekday), six with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly; always UTC.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> tripletex --cron "0 3 * * *"',
    '<%= config.bin %> <%= command.id %> tripletex --connection acme --cron "*/15 * * * *" --stream customers',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest (the workers must have it at the same path).', required: true }),
  };
  static override flags = {
    cron: Flags.string({ description: 'When to run, in UTC, e.g. "0 3 * * *" (03:00 every day).', required: true }),
    ...jobRunFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ScheduleAdd);
    const project = await this.resolveProject(flags);
    const schedule = await addSchedule(project, { ...jobRunOptions(args.name, flags), cron: flags.cron });
    this.out(schedule.id);
    process.stderr.write(`Next run at ${schedule.nextAt} (UTC).\n`);
  }
}
