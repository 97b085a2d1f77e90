import * as Args from '@oclif/core/args';
import { setConnectionConfig } from '@connectors/core/internal/runtime/connection-config.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class ConfigSet extends ProjectCommand {
  static override summary = "Store a non-secret config value with a connector's connection.";
  static override description = `The key must be a property of the manifest's config schema; the value is coerced to its type like --config (number, integer, boolean; JSON for lists and objects) and checked when set. A run uses --config, then the connection's config, then connectors.config.yaml, then the schema default.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> jira subdomain acme',
    '<%= config.bin %> <%= command.id %> jira page_size 100 --connection staging',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
    key: Args.string({ description: 'The config property, e.g. subdomain.', required: true }),
    value: Args.string({ description: 'The value, as typed on the command line.', required: true }),
  };
  static override flags = { connection: connectionFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigSet);
    const project = await this.openProject(flags);
    const result = await setConnectionConfig(project, { connector: args.name, connection: flags.connection, key: args.key, value: args.value });
    process.stderr.write(`Set ${result.key} = ${JSON.stringify(result.value)} for ${args.name} (${flags.connection}).\n`);
  }
}
