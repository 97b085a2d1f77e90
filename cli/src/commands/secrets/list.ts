import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { listConnectionSecrets } from '@connectors/core/internal/runtime/connection-secrets.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class SecretsList extends ProjectCommand {
  static override summary = "List a connection's secrets: names, where each comes from, session expiry. Never values.";
  static override examples = ['<%= config.bin %> <%= command.id %> tripletex', '<%= config.bin %> <%= command.id %> hubspot --json'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    connection: connectionFlag,
    json: Flags.boolean({ description: 'Print [{name, source: env|store|session|missing, env, expiresAt?}].' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SecretsList);
    const project = await this.openProject(flags);
    const secrets = await listConnectionSecrets(project, { connector: args.name, connection: flags.connection });
    if (flags.json) {
      this.outJson(secrets);
      return;
    }
    this.out(formatTable(
      ['SECRET', 'SOURCE', 'ENV', 'EXPIRES'],
      secrets.map((secret) => [secret.name, secret.source, secret.env, secret.expiresAt ?? '']),
    ));
  }
}
