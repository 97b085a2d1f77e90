import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { installPlugin } from '@connectors/core/internal/plugins/index.js';
import { resolveHomeDir } from '@connectors/core/internal/runtime/resolve-project.js';
import { checkPathValues } from '../../flag-values.js';

export default class PluginsInstall extends Command {
  static override summary = 'Install an auth-scheme plugin package from npm or a local path.';
  static override description = `Installs with npm into <CONNECTORS_HOME>/plugins, then loads the package to check the plugin contract (the "connectors" field of its package.json, apiVersion 1, each scheme, no scheme name taken twice). A package that fails is uninstalled again and the command exits 1. A local folder is linked, so rebuilding it needs no reinstall; a .tgz is copied.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> connectors-plugin-acme',
    '<%= config.bin %> <%= command.id %> @acme/connectors-scheme@^2',
    '<%= config.bin %> <%= command.id %> ./plugins/my-scheme',
  ];
  static override args = {
    package: Args.string({ description: 'An npm package spec (name, name@version) or a local path (folder or .tgz).', required: true }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(PluginsInstall);
    checkPathValues({ PACKAGE: args.package });
    const plugin = await installPlugin({ home: resolveHomeDir({ defaultHome: this.config.dataDir }), spec: args.package });
    process.stderr.write(`Installed ${plugin.origin} (schemes: ${plugin.schemes.join(', ')}).\n`);
  }
}
