import { join } from 'node:path';
import { loadPlugins, type LoadedPlugin } from '../auth/plugins.js';
import type { SchemeRegistry } from '../auth/registry.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { loadProjectConfig, resolveCatalogDir, type ProjectConfig } from '../config/index.js';
import { loadInstalledPlugins } from '../plugins/load-installed.js';
import { SecretStoreTypeRegistry } from '../secrets/store-type-registry.js';

/** Where a command runs and what it was told: the inputs of {@link resolveProject} and `openProject`. */
export interface ProjectOptions {
  /** The working directory; `connectors.config.yaml` is read from here. Default `process.cwd()`. */
  cwd?: string;
  /** The environment (`CONNECTORS_CATALOG`, `CONNECTORS_HOME`, secrets). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** `--catalog DIR`. */
  catalog?: string;
  /** The catalog shipped with the CLI, the last fallback. */
  shippedCatalogDir?: string;
  /** The data folder used when `CONNECTORS_HOME` is not set (the CLI passes its data dir). */
  defaultHome?: string;
}

/**
 * A project's config, catalog, schemes (with plugins) and home folder: what the commands that
 * only read manifests (`list`, `validate`, `schemes`) need, without the secret store, sessions or
 * HTTP client, so that they start without loading those.
 */
export interface ResolvedProject {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config?: ProjectConfig;
  catalogDir: string;
  registry: SchemeRegistry;
  /** The secret store types the plugins added (the built-in ones are always known). */
  storeTypes: SecretStoreTypeRegistry;
  plugins: LoadedPlugin[];
  /** `CONNECTORS_HOME`: the secret store, sessions, locks and state live here. */
  home: string;
}

/** `CONNECTORS_HOME`, else the CLI's data folder, else `<cwd>/.connectors`. */
export function resolveHomeDir(options: Pick<ProjectOptions, 'cwd' | 'env' | 'defaultHome'> = {}): string {
  const env = options.env ?? process.env;
  return env.CONNECTORS_HOME || options.defaultHome || join(options.cwd ?? process.cwd(), '.connectors');
}

/**
 * Reads `connectors.config.yaml`, loads the plugins it lists into a registry of the built-in
 * schemes, then the plugins installed under `<home>/plugins` (a package the config lists too is
 * loaded once, from the config), and resolves the catalog and home folders. A broken plugin fails
 * here, naming the package (DESIGN.md section 8 "Plugin context").
 */
export async function resolveProject(options: ProjectOptions = {}): Promise<ResolvedProject> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const config = await loadProjectConfig(cwd);
  const registry = createBuiltInRegistry();
  const home = resolveHomeDir({ cwd, env, defaultHome: options.defaultHome });
  const storeTypes = new SecretStoreTypeRegistry();
  const plugins = await loadPlugins(config?.plugins ?? [], config?.dir ?? cwd, registry, storeTypes);
  plugins.push(...(await loadInstalledPlugins(home, registry, { skip: plugins.map((plugin) => plugin.name), storeTypes })));
  const catalogDir = resolveCatalogDir({
    flag: options.catalog,
    env: env.CONNECTORS_CATALOG,
    projectConfig: config,
    cwd,
    shippedDir: options.shippedCatalogDir ?? join(cwd, 'connectors'),
  });
  return { cwd, env, config, catalogDir, registry, storeTypes, plugins, home };
}
