/**
 * The built-in secret store kinds (DESIGN.md sections 5 and 10): `file` (the default, under
 * CONNECTORS_HOME or `path`), `postgres` (`url` else `CONNECTORS_DATABASE_URL`, key from
 * `CONNECTORS_SECRET_KEY`, retired keys from `CONNECTORS_SECRET_KEY_PREVIOUS`) and `command`
 * (`get`/`set`/`delete` programs; sessions in the file store or `sessions:`).
 */
import { resolve } from 'node:path';
import { SecretStoreError } from '../errors.js';
import { CommandStore } from './command/command-store.js';
import { parseCommandStoreConfig } from './command/command-store-config.js';
import { FileStore } from './file-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { toRowKey, type RowKey } from './postgres/row-cipher.js';
import type { SecretStoreContext, SecretStoreType } from './store-type.js';
import { readKeyFromEnv, readPreviousKeyBytes, SECRET_KEY_ENV } from './store-key.js';

/** The environment variable with the PostgreSQL store's URL when `secret_store.url` is absent. */
export const DATABASE_URL_ENV = 'CONNECTORS_DATABASE_URL';

/** `type: file`: the encrypted file store under `path` (relative to connectors.config.yaml), else CONNECTORS_HOME. */
export const fileStoreType: SecretStoreType = {
  type: 'file',
  create(options, ctx) {
    return new FileStore({ home: fileStoreFolderOf(options, ctx), env: ctx.env });
  },
};

/** The folder a file store's options name. */
export function fileStoreFolderOf(options: Record<string, unknown>, ctx: Pick<SecretStoreContext, 'home' | 'configDir'>): string {
  if (options.path === undefined) return ctx.home;
  if (typeof options.path !== 'string' || options.path === '') throw new SecretStoreError('secret_store.path must be a folder name.');
  return resolve(ctx.configDir, options.path);
}

/** `type: postgres`: every value sealed with CONNECTORS_SECRET_KEY in a PostgreSQL database. */
export const postgresStoreType: SecretStoreType = {
  type: 'postgres',
  create(options, ctx) {
    const url = typeof options.url === 'string' && options.url !== '' ? options.url : ctx.env[DATABASE_URL_ENV];
    if (!url) {
      throw new SecretStoreError(`secret_store type postgres needs url in connectors.config.yaml or ${DATABASE_URL_ENV} in the environment.`);
    }
    if (options.schema !== undefined && (typeof options.schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema))) {
      throw new SecretStoreError('secret_store.schema must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters.');
    }
    addUrlPassword(url, ctx.addSecret);
    const key = readKeyFromEnv(ctx.env);
    if (!key) {
      throw new SecretStoreError(`secret_store type postgres needs ${SECRET_KEY_ENV} (32 bytes in base64, e.g. from "openssl rand -base64 32"): machines that share the database share no key file.`);
    }
    return new PostgresStore({ url, schema: options.schema as string | undefined, key: toRowKey(key.key), previousKeys: readPreviousKeys(ctx.env) });
  },
};

/** `type: command`: secrets from a password manager's or cloud CLI's answers. */
export const commandStoreType: SecretStoreType = {
  type: 'command',
  create(options, ctx) {
    const config = parseCommandStoreConfig(options);
    const sessions = config.sessions ? ctx.open(config.sessions) : new FileStore({ home: ctx.home, env: ctx.env });
    return new CommandStore({ config, sessions, cwd: ctx.configDir, env: ctx.env, redact: ctx.redact });
  },
};

/** The built-in kinds by type. */
export const builtInStoreTypes: ReadonlyMap<string, SecretStoreType> = new Map([fileStoreType, postgresStoreType, commandStoreType].map((storeType) => [storeType.type, storeType]));

/** The keys of `CONNECTORS_SECRET_KEY_PREVIOUS` as row keys. */
export function readPreviousKeys(env: NodeJS.ProcessEnv): RowKey[] {
  return readPreviousKeyBytes(env).map(toRowKey);
}

/** Tells `addSecret` the URL's password: in its userinfo (as given and decoded) or as `?password=`. */
export function addUrlPassword(url: string, addSecret: (value: string) => void): void {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      addSecret(parsed.password);
      addSecret(decodeURIComponent(parsed.password));
    }
    const query = parsed.searchParams.get('password');
    if (query) addSecret(query);
  } catch {
    // not a URL: the store says so when it is used
  }
}
