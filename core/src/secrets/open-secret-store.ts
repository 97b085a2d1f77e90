/**
 * `secret_store:` of connectors.config.yaml to a {@link SecretStore} (DESIGN.md sections 5 and 10):
 * the kind `type` names (file when absent), from the built-in kinds or a plugin's, its options
 * checked against the kind's schema, then made by its `create`.
 */
import type { SecretStoreConfig } from '../config/project-config.js';
import { SecretStoreError } from '../errors.js';
import { compileForeignSchema } from '../schema/ajv.js';
import { builtInStoreTypes, fileStoreFolderOf } from './built-in-store-types.js';
import type { SecretStore } from './store.js';
import type { SecretStoreContext } from './store-type.js';
import { BUILT_IN_STORE_TYPES, type SecretStoreTypeRegistry } from './store-type-registry.js';

export { DATABASE_URL_ENV, readPreviousKeys } from './built-in-store-types.js';
export { PREVIOUS_KEYS_ENV } from './store-key.js';

/** What {@link openSecretStore} needs besides the config. */
export interface OpenSecretStoreOptions {
  /** CONNECTORS_HOME: the file store's default folder. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** The folder of connectors.config.yaml: relative paths in it start there. */
  configDir?: string;
  /** Told every value that must never be printed (the database password). */
  addSecret?: (value: string) => void;
  /** Removes known secrets from a store's error text; default: nothing removed. */
  redact?: (text: string) => string;
  /** The store kinds plugins added; the built-in kinds are always known. */
  types?: SecretStoreTypeRegistry;
}

export { BUILT_IN_STORE_TYPES } from './store-type-registry.js';

/**
 * The folder of the file store that keeps the sessions, when one does: `secret_store.path` or
 * `home` for type file, the `sessions:` store's for type command (home by default); undefined
 * for a store that keeps sessions itself. The session lock files live beside it.
 */
export function fileStoreFolder(config: SecretStoreConfig | undefined, options: Pick<OpenSecretStoreOptions, 'home' | 'configDir'>): string | undefined {
  const ctx = { home: options.home, configDir: options.configDir ?? process.cwd() };
  if (!config || config.type === 'file') return fileStoreFolderOf(config ?? {}, ctx);
  if (config.type === 'command') {
    const sessions = config.sessions as SecretStoreConfig | undefined;
    return sessions && typeof sessions === 'object' ? fileStoreFolder(sessions, options) : options.home;
  }
  return undefined;
}

/**
 * Refuses a `secret_store.type` no built-in kind or loaded plugin provides, before anything is
 * opened: a {@link SecretStoreError} (failed work, exit 1: the config file, not the command line, is wrong).
 */
export function assertKnownStoreType(config: SecretStoreConfig | undefined, types?: SecretStoreTypeRegistry): void {
  if (!config || (BUILT_IN_STORE_TYPES as readonly string[]).includes(config.type) || types?.get(config.type)) return;
  const names = [...BUILT_IN_STORE_TYPES, ...(types?.names() ?? [])];
  throw new SecretStoreError(
    `secret_store type "${config.type}" is neither built in nor provided by a loaded plugin; the known types are ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`,
    { hint: 'A store plugin is listed under plugins: in connectors.config.yaml, or installed with `connectors plugins install`.' },
  );
}

/**
 * Opens the store `config` names. An unknown type, options the kind refuses, or a store its
 * kind cannot make (a postgres store without its URL or key) is a {@link SecretStoreError}.
 */
export function openSecretStore(config: SecretStoreConfig | undefined, options: OpenSecretStoreOptions): SecretStore {
  const effective = config ?? { type: 'file' };
  assertKnownStoreType(effective, options.types);
  const builtIn = builtInStoreTypes.get(effective.type);
  const { storeType, origin } = builtIn ? { storeType: builtIn, origin: 'built-in' } : options.types!.get(effective.type)!;
  const { type: _type, ...storeOptions } = effective;
  if (storeType.options) {
    const validate = compileForeignSchema(storeType.options);
    if (!validate(storeOptions)) {
      const first = validate.errors?.[0];
      const where = first?.instancePath ? `secret_store${first.instancePath.replaceAll('/', '.')}` : 'secret_store';
      throw new SecretStoreError(`${where} is not valid for type ${effective.type} (${origin}): ${first?.message ?? 'refused by its schema'}.`);
    }
  }
  const ctx: SecretStoreContext = {
    home: options.home,
    env: options.env,
    configDir: options.configDir ?? process.cwd(),
    addSecret: options.addSecret ?? (() => undefined),
    redact: options.redact ?? ((text) => text),
    open: (nested) => openSecretStore(nested, options),
  };
  const store = storeType.create(storeOptions, ctx);
  if (!store || typeof store.getSecrets !== 'function' || typeof store.getSession !== 'function') {
    throw new SecretStoreError(`Secret store type ${effective.type} (${origin}) made no SecretStore: its create() must return an object with the SecretStore methods.`);
  }
  return store;
}
