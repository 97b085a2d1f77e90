import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { listConnectionConfig } from '@connectors/core/internal/runtime/connection-config.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class ConfigList extends ProjectCommand {
  static override summary = "List a connection's config: each key, the value in use and where it comes from.";
  static override examples = ['<%= config.bin %> <%= command.id %> jira', '<%= config.bin %> <%= command.id %> jira --connection staging --json'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    connection: connectionFlag,
    json: Flags.boolean({ description: 'Print [{key, value?, source: connection|project|default|unset}].' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigList);
    const project = await this.openProject(flags);
    const values = await listConnectionConfig(project, { connector: args.name, connection: flags.connection });
    if (flags.json) {
      this.outJson(values);
      return;
    }
    this.out(formatTable(
      ['KEY', 'VALUE', 'SOURCE'],
      values.map((entry) => [entry.key, entry.value === undefined ? '' : typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value), entry.source]),
    ));
  }
}
