import type { LoadedPlugin, PluginSource } from '../auth/plugins.js';

/** One entry of `connectors plugins list [--json]`. */
export interface PluginDescription {
  name: string;
  version: string;
  schemes: string[];
  /** The secret store types it adds (`secret_store.type`). */
  stores: string[];
  /** `config`: listed under `plugins:` in connectors.config.yaml; `installed`: by `plugins install`. */
  source: PluginSource;
  /** The package folder it was loaded from. */
  directory: string;
}

/** The loaded plugins of a project, config's first: what `connectors plugins list` prints. */
export function describePlugins(plugins: readonly LoadedPlugin[]): PluginDescription[] {
  return plugins.map(({ name, version, schemes, stores, source, directory }) => ({ name, version, schemes: [...schemes], stores: [...stores], source, directory }));
}
