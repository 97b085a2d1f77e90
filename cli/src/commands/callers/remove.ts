import * as Args from '@oclif/core/args';
import { removeCaller } from '@connectors/core/internal/serve/manage-callers.js';
import { ProjectCommand } from '../../project-command.js';

export default class CallersRemove extends ProjectCommand {
  static override summary = 'Remove a caller of `connectors serve`; its key stops working at once (exit 1 when there is none).';
  static override examples = ['<%= config.bin %> <%= command.id %> reporting'];
  static override args = {
    name: Args.string({ description: 'The caller\'s name.', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CallersRemove);
    const project = await this.openProject(flags);
    await removeCaller(project, args.name);
    process.stderr.write(`Removed caller ${args.name}.\n`);
  }
}
