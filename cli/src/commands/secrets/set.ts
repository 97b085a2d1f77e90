import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { setConnectionSecret } from '@connectors/core/internal/runtime/connection-secrets.js';
import { connectionFlag } from '../../connection-flags.js';
import { ProjectCommand } from '../../project-command.js';
import { readSecretValue } from '../../read-secret-value.js';

export default class SecretsSet extends ProjectCommand {
  static override summary = "Store a secret of a connector's connection.";
  static override description = `The value comes from --value, else from stdin when piped (one trailing newline is stripped), else from a hidden prompt. Setting a secret that the stored session also holds (e.g. oauth_refresh_token) discards the session so the new value is used.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> tripletex employee_token',
    'printf %s "$TOKEN" | <%= config.bin %> <%= command.id %> hubspot oauth_refresh_token',
    '<%= config.bin %> <%= command.id %> demo client_secret --value demo-secret --connection staging',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
    secret: Args.string({ description: 'The secret name, e.g. client_secret.', required: true }),
  };
  static override flags = {
    value: Flags.string({ description: 'The value (visible in your shell history; prefer stdin or the prompt).' }),
    connection: connectionFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SecretsSet);
    const project = await this.openProject(flags);
    const value = await readSecretValue(args.secret, flags.value);
    const result = await setConnectionSecret(project, {
      connector: args.name,
      connection: flags.connection,
      secret: args.secret,
      value,
    });
    const discarded = result.sessionDiscarded ? ' The stored session was discarded so the new value is used.' : '';
    process.stderr.write(`Stored ${result.name} for ${args.name} (${flags.connection}).${discarded}\n`);
  }
}
