import * as Args from '@oclif/core/args';
import { deleteConnectionSecret } from '@connectors/core/internal/runtime/connection-secrets.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class SecretsDelete extends ProjectCommand {
  static override summary = 'Delete a stored secret of a connection (no confirmation; exit 1 when it is not stored).';
  static override examples = ['<%= config.bin %> <%= command.id %> hubspot oauth_refresh_token'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
    secret: Args.string({ description: 'The secret name.', required: true }),
  };
  static override flags = { connection: connectionFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SecretsDelete);
    const project = await this.openProject(flags);
    await deleteConnectionSecret(project, { connector: args.name, connection: flags.connection, secret: args.secret });
    process.stderr.write(`Deleted ${args.secret} of ${args.name} (${flags.connection}).\n`);
  }
}
