import { loadPlugin, type LoadedPlugin } from '../auth/plugins.js';
import type { SchemeRegistry } from '../auth/registry.js';
import type { SecretStoreTypeRegistry } from '../secrets/store-type-registry.js';
import { pluginsFolder, readInstalledPluginNames } from './plugins-folder.js';

/**
 * Loads the plugins `connectors plugins install` put under `<home>/plugins`, in the record's
 * order. A package in `skip` (already loaded from connectors.config.yaml) is left out: the
 * project's own listing wins. Every failure is a PluginError naming the package.
 */
export async function loadInstalledPlugins(
  home: string,
  registry: SchemeRegistry,
  options: { skip?: Iterable<string>; storeTypes?: SecretStoreTypeRegistry } = {},
): Promise<LoadedPlugin[]> {
  const folder = pluginsFolder(home);
  const skip = new Set(options.skip ?? []);
  const loaded: LoadedPlugin[] = [];
  for (const name of await readInstalledPluginNames(folder)) {
    if (skip.has(name)) continue;
    loaded.push(await loadPlugin(name, folder, registry, 'installed', options.storeTypes));
  }
  return loaded;
}
