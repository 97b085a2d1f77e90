/** Project config, catalog resolution and per-run config values. */
export { loadProjectConfig, PROJECT_CONFIG_FILE, type ProjectConfig, type SecretStoreConfig } from './project-config.js';
export { resolveCatalogDir, type ResolveCatalogDirOptions } from './resolve-catalog-dir.js';
export { resolveManifestPath, isManifestPath, listCatalogNames } from './resolve-manifest-path.js';
export {
  resolveConnectorConfig,
  parseConfigFlags,
  coerceConfigValue,
  checkConfigKey,
  type ResolveConnectorConfigOptions,
} from './resolve-connector-config.js';
export { CONNECTION_CONFIG_ENTRY, isConnectionConfigEntry, readConnectionConfig, writeConnectionConfig } from './connection-config.js';
export { resolveAuthOptions } from './resolve-auth-options.js';
