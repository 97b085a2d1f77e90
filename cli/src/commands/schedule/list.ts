import * as Flags from '@oclif/core/flags';
import { listSchedules } from '@connectors/core/internal/jobs/project-queue.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class ScheduleList extends ProjectCommand {
  static override summary = 'List the schedules.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{id, connector, connection, cron, streams, destination, queue, fullRefresh, nextAt}].' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ScheduleList);
    const schedules = await listSchedules(await this.resolveProject(flags));
    if (flags.json) {
      this.outJson(schedules);
      return;
    }
    if (schedules.length === 0) {
      process.stderr.write('No schedules yet; add one with "connectors schedule add NAME --cron \\"0 3 * * *\\"".\n');
      return;
    }
    this.out(formatTable(
      ['ID', 'CONNECTOR', 'CONNECTION', 'CRON (UTC)', 'STREAMS', 'DESTINATION', 'NEXT RUN'],
      schedules.map((s) => [s.id, s.connector, s.connection, s.cron, s.streams.join(',') || '(all)', s.destination, s.nextAt]),
    ));
  }
}
