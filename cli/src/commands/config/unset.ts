import * as Args from '@oclif/core/args';
import { unsetConnectionConfig } from '@connectors/core/internal/runtime/connection-config.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class ConfigUnset extends ProjectCommand {
  static override summary = "Remove a config value stored with a connection (exit 1 when it is not stored).";
  static override examples = ['<%= config.bin %> <%= command.id %> jira subdomain'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
    key: Args.string({ description: 'The config property.', required: true }),
  };
  static override flags = { connection: connectionFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigUnset);
    const project = await this.openProject(flags);
    await unsetConnectionConfig(project, { connector: args.name, connection: flags.connection, key: args.key });
    process.stderr.write(`Unset ${args.key} of ${args.name} (${flags.connection}).\n`);
  }
}
