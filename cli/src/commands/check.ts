import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { checkConnector } from '@connectors/core/internal/runtime/check-connector.js';
import { parseConfigFlags } from '@connectors/core/internal/config/index.js';
import { configFlag, connectionFlag } from '../connection-flags.js';
import { ProjectCommand } from '../project-command.js';

export default class Check extends ProjectCommand {
  static override summary = "Authenticate and make the manifest's check request.";
  static override description = `Reuses the stored session, or logs in, then makes the request under \`check:\` with the connector's headers. Prints one line: what was called, the status and the time. A manifest without \`check:\` is checked by authenticating only.`;
  static override examples = ['<%= config.bin %> <%= command.id %> hubspot', '<%= config.bin %> <%= command.id %> tripletex --connection acme-as'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    connection: connectionFlag,
    config: configFlag,
    json: Flags.boolean({ description: 'Print {connector, connection, request, status, elapsedMs, message} on stdout.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Check);
    const project = await this.openProject(flags);
    const result = await checkConnector(project, {
      connector: args.name,
      connection: flags.connection,
      config: parseConfigFlags(flags.config),
    });
    if (flags.json) this.outJson(result);
    else this.out(result.message);
  }
}
