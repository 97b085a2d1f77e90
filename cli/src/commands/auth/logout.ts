import * as Args from '@oclif/core/args';
import { logoutConnection } from '@connectors/core/internal/runtime/auth-commands.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class AuthLogout extends ProjectCommand {
  static override summary = "Discard the connection's stored session (its stored secrets stay).";
  static override examples = ['<%= config.bin %> <%= command.id %> hubspot'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = { connection: connectionFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AuthLogout);
    const project = await this.openProject(flags);
    const had = await logoutConnection(project, { connector: args.name, connection: flags.connection });
    process.stderr.write(had ? `Discarded the session of ${args.name} (${flags.connection}).\n` : `${args.name} (${flags.connection}) had no stored session.\n`);
  }
}
