import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PluginError } from '../errors.js';
import { runNpm } from './npm.js';
import { pluginsFolder, readPluginsRecord } from './plugins-folder.js';

export interface UninstallPluginOptions {
  home: string;
  /** The package name, as `connectors plugins list` shows it. */
  name: string;
  env?: NodeJS.ProcessEnv;
}

/** `connectors plugins uninstall`: removes a package `plugins install` installed. */
export async function uninstallPlugin(options: UninstallPluginOptions): Promise<{ name: string; version?: string }> {
  const folder = pluginsFolder(options.home);
  const installed = (await readPluginsRecord(folder)).dependencies ?? {};
  if (!Object.hasOwn(installed, options.name)) {
    const names = Object.keys(installed);
    throw new PluginError(`Plugin ${options.name} is not installed.`, {
      hint: names.length
        ? `Installed: ${names.join(', ')}. A plugin listed in connectors.config.yaml is removed from that file.`
        : 'No plugins are installed. A plugin listed in connectors.config.yaml is removed from that file.',
    });
  }
  let version: string | undefined;
  try {
    const manifest = JSON.parse(await readFile(join(folder, 'node_modules', options.name, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof manifest.version === 'string') version = manifest.version;
  } catch {
    // Already gone from node_modules: uninstalling still cleans the record.
  }
  await runNpm(['uninstall', '--save', '--prefix', folder, options.name], {
    cwd: folder,
    env: options.env,
    what: `npm uninstall ${options.name}`,
  });
  return { name: options.name, ...(version ? { version } : {}) };
}
