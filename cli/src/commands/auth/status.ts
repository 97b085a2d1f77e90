import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { describeAuthStatus } from '@connectors/core/internal/runtime/auth-commands.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';

export default class AuthStatus extends ProjectCommand {
  static override summary = "Show the connection's stored session: scheme, expiry, which tokens it holds (never their values).";
  static override examples = ['<%= config.bin %> <%= command.id %> hubspot --json'];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    connection: connectionFlag,
    json: Flags.boolean({ description: 'Print {connector, connection, scheme, session?: {expiresAt?, savedAt, secrets, values}}.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AuthStatus);
    const project = await this.openProject(flags);
    const status = await describeAuthStatus(project, { connector: args.name, connection: flags.connection });
    if (flags.json) {
      this.outJson(status);
      return;
    }
    const head = `${status.connector} (${status.connection}), scheme ${status.scheme}:`;
    if (!status.session) {
      this.out(`${head} no stored session.`);
      return;
    }
    const expiry = status.session.expiresAt ? `expires ${status.session.expiresAt}` : 'no known expiry';
    this.out(`${head} session stored ${status.session.savedAt}, ${expiry}, holds ${status.session.secrets.join(', ') || 'no secrets'}.`);
  }
}
