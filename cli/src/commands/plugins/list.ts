import * as Flags from '@oclif/core/flags';
import { describePlugins } from '@connectors/core/internal/plugins/index.js';
import { ProjectCommand } from '../../project-command.js';
import { formatTable } from '../../table.js';

export default class PluginsList extends ProjectCommand {
  static override summary = 'List the plugin packages: from connectors.config.yaml, then installed ones, with their schemes and secret stores.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{name, version, schemes: [names], stores: [types], source: "config" | "installed", directory}].' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PluginsList);
    const project = await this.resolveProject(flags);
    const plugins = describePlugins(project.plugins);
    if (flags.json) {
      this.outJson(plugins);
      return;
    }
    if (plugins.length === 0) {
      process.stderr.write('No plugins. List packages under `plugins:` in connectors.config.yaml, or run `connectors plugins install <package>`.\n');
      return;
    }
    this.out(formatTable(
      ['PLUGIN', 'VERSION', 'SCHEMES', 'STORES', 'SOURCE'],
      plugins.map((plugin) => [plugin.name, plugin.version, plugin.schemes.join(', ') || '-', plugin.stores.join(', ') || '-', plugin.source]),
    ));
  }
}
