/**
 * `secret_store:` of connectors.config.yaml to a {@link SecretStore} (DESIGN.md sections 5 and 10):
 * the file store (the default, under CONNECTORS_HOME or `path`) or the PostgreSQL store
 * (`{type: postgres, url?, schema?}`, `url` else `CONNECTORS_DATABASE_URL`, key from
 * `CONNECTORS_SECRET_KEY`, retired keys from `CONNECTORS_SECRET_KEY_PREVIOUS`).
 */
import { resolve } from 'node:path';
import type { SecretStoreConfig } from '../config/project-config.js';
import { SecretStoreError, UsageError } from '../errors.js';
import { FileStore } from './file-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { toRowKey, type RowKey } from './postgres/row-cipher.js';
import type { SecretStore } from './store.js';
import { readKeyFromEnv, readPreviousKeyBytes, SECRET_KEY_ENV } from './store-key.js';

/** The environment variable with the PostgreSQL store's URL when `secret_store.url` is absent. */
export const DATABASE_URL_ENV = 'CONNECTORS_DATABASE_URL';
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
}

/** The built-in store kinds. */
export const BUILT_IN_STORE_TYPES = ['file', 'postgres'] as const;

/** The folder of the file store: `secret_store.path` when set, else `home`; undefined for another type. */
export function fileStoreFolder(config: SecretStoreConfig | undefined, options: Pick<OpenSecretStoreOptions, 'home' | 'configDir'>): string | undefined {
  if (!config || config.type === 'file') {
    return config?.path ? resolve(options.configDir ?? process.cwd(), config.path) : options.home;
  }
  return undefined;
}

/** Refuses a `secret_store.type` that is not built in (a {@link UsageError}), before anything is opened. */
export function assertKnownStoreType(config: SecretStoreConfig | undefined): void {
  if (!config || (BUILT_IN_STORE_TYPES as readonly string[]).includes(config.type)) return;
  throw new UsageError(`secret_store type "${config.type}" is not built in; the built-in stores are ${BUILT_IN_STORE_TYPES.join(' and ')}, and an embedder can register another under SECRET_STORE.`);
}

/**
 * Opens the store `config` names. An unknown type is a {@link UsageError}; a postgres store
 * without its URL or key a {@link SecretStoreError}.
 */
export function openSecretStore(config: SecretStoreConfig | undefined, options: OpenSecretStoreOptions): SecretStore {
  assertKnownStoreType(config);
  const folder = fileStoreFolder(config, options);
  if (folder !== undefined) return new FileStore({ home: folder, env: options.env });
  return openPostgresStore(config!, options);
}

function openPostgresStore(config: SecretStoreConfig, options: OpenSecretStoreOptions): PostgresStore {
  const url = typeof config.url === 'string' && config.url !== '' ? config.url : options.env[DATABASE_URL_ENV];
  if (!url) {
    throw new SecretStoreError(`secret_store type postgres needs url in connectors.config.yaml or ${DATABASE_URL_ENV} in the environment.`);
  }
  if (config.schema !== undefined && (typeof config.schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(config.schema))) {
    throw new SecretStoreError('secret_store.schema must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters.');
  }
  addUrlPassword(url, options.addSecret);
  const key = readKeyFromEnv(options.env);
  if (!key) {
    throw new SecretStoreError(`secret_store type postgres needs ${SECRET_KEY_ENV} (32 bytes in base64, e.g. from "openssl rand -base64 32"): machines that share the database share no key file.`);
  }
  return new PostgresStore({ url, schema: config.schema as string | undefined, key: toRowKey(key.key), previousKeys: readPreviousKeys(options.env) });
}

/** The keys of `CONNECTORS_SECRET_KEY_PREVIOUS` as row keys. */
export function readPreviousKeys(env: NodeJS.ProcessEnv): RowKey[] {
  return readPreviousKeyBytes(env).map(toRowKey);
}

function addUrlPassword(url: string, addSecret: ((value: string) => void) | undefined): void {
  if (!addSecret) return;
  try {
    const { password } = new URL(url);
    if (password) {
      addSecret(password);
      addSecret(decodeURIComponent(password));
    }
  } catch {
    // not a URL: the store says so when it is used
  }
}
