import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { addCaller } from '@connectors/core/internal/serve/manage-callers.js';
import { ProjectCommand } from '../../project-command.js';

export default class CallersAdd extends ProjectCommand {
  static override summary = 'Add a caller of `connectors serve` and print its key once (stdout); the store keeps only its SHA-256.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> reporting --allow "tripletex/*"',
    'KEY=$(<%= config.bin %> <%= command.id %> etl --allow "*/acme" --allow hubspot/default --credentials)',
  ];
  static override args = {
    name: Args.string({ description: 'The caller\'s name (letters, digits, "_", "-", "."), shown in the audit log.', required: true }),
  };
  static override flags = {
    allow: Flags.string({
      description: 'A <connector>/<connection> glob the caller may use, `*` within one part (repeatable).',
      multiple: true,
      required: true,
    }),
    credentials: Flags.boolean({ description: 'May ask for credentials (POST /v1/connections/<c>/<conn>/credentials).' }),
    metrics: Flags.boolean({ description: 'May read GET /metrics.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CallersAdd);
    const project = await this.openProject(flags);
    const { key } = await addCaller(project, {
      name: args.name,
      allow: flags.allow,
      credentials: flags.credentials,
      metrics: flags.metrics,
    });
    this.out(key);
    process.stderr.write(`Added caller ${args.name}. Its key is shown this once; keep it in the caller's secret store.\n`);
  }
}
