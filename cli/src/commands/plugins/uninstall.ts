import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { resolveHomeDir } from '@connectors/core/internal/runtime/resolve-project.js';
import { uninstallPlugin } from '@connectors/core/internal/plugins/index.js';

export default class PluginsUninstall extends Command {
  static override summary = 'Uninstall a plugin package that `plugins install` installed.';
  static override description = 'Does not load the plugins, so it also removes a broken one. A plugin listed in connectors.config.yaml is removed from that file instead.';
  static override examples = ['<%= config.bin %> <%= command.id %> connectors-plugin-acme'];
  static override args = {
    name: Args.string({ description: 'The package name, as `plugins list` shows it.', required: true }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(PluginsUninstall);
    const removed = await uninstallPlugin({ home: resolveHomeDir({ defaultHome: this.config.dataDir }), name: args.name });
    process.stderr.write(`Uninstalled ${removed.version ? `${removed.name}@${removed.version}` : removed.name}.\n`);
  }
}
