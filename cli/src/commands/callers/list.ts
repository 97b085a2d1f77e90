import * as Flags from '@oclif/core/flags';
import { listCallers } from '@connectors/core/internal/serve/manage-callers.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class CallersList extends ProjectCommand {
  static override summary = 'List the callers of `connectors serve` and their grants. Never a key.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{name, allow, credentials, metrics, createdAt}].' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(CallersList);
    const project = await this.openProject(flags);
    const callers = await listCallers(project);
    if (flags.json) {
      this.outJson(callers);
      return;
    }
    if (callers.length === 0) {
      process.stderr.write('No callers yet; add one with "connectors callers add NAME --allow <connector>/<connection>".\n');
      return;
    }
    this.out(formatTable(
      ['CALLER', 'ALLOW', 'CREDENTIALS', 'METRICS', 'CREATED'],
      callers.map((caller) => [caller.name, caller.allow.join(','), caller.credentials ? 'yes' : 'no', caller.metrics ? 'yes' : 'no', caller.createdAt]),
    ));
  }
}
