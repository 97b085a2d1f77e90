import * as Flags from '@oclif/core/flags';
import { describeSchemes } from '@connectors/core/internal/runtime/describe-schemes.js';
import { ProjectCommand } from '../project-command.js';
import { formatTable } from '../table.js';

export default class Schemes extends ProjectCommand {
  static override summary = 'List the auth schemes: built in and from plugins, with the secrets each needs and injects.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{name, description, origin, requiredSecrets: [{name, env, optional}], injectedSecrets: [{name}]}].' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Schemes);
    const project = await this.resolveProject(flags);
    const schemes = describeSchemes(project.registry);
    if (flags.json) {
      this.outJson(schemes);
      return;
    }
    this.out(formatTable(
      ['SCHEME', 'ORIGIN', 'REQUIRED SECRETS', 'INJECTED SECRETS'],
      schemes.map((scheme) => [
        scheme.name,
        scheme.origin,
        scheme.requiredSecrets.map((s) => (s.optional ? `${s.name}?` : s.name)).join(', ') || '-',
        scheme.injectedSecrets.map((s) => s.name).join(', ') || '-',
      ]),
    ));
  }
}
