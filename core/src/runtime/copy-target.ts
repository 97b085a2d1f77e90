/**
 * Where `connectors store copy --to` copies to (DESIGN.md section 10 "Moving up"): a PostgreSQL
 * store (`postgres://...`, schema from `--schema`, key from CONNECTORS_SECRET_KEY) or a file store
 * in a folder (its states the state files under that folder). Also says whether a target is the
 * project's own store, which a copy refuses.
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SecretStoreConfig } from '../config/project-config.js';
import { ConnectorsError, SecretStoreError, UsageError } from '../errors.js';
import { FileStore } from '../secrets/file-store.js';
import { DATABASE_URL_ENV, fileStoreFolder, openSecretStore } from '../secrets/open-secret-store.js';
import { describePgUrl, type PgTarget } from '../secrets/postgres/describe-pg-error.js';
import type { SecretStore } from '../secrets/store.js';
import { stateStoreFor } from '../streams/secret-store-states.js';
import type { StateStore } from '../streams/state.js';

/** The PostgreSQL schema a `--to postgres://` copy writes to unless `--schema` says otherwise. */
export const DEFAULT_COPY_SCHEMA = 'connectors';

/** What `--to` (and `--schema`) name, parsed and not yet opened. */
export type CopyTarget =
  | { kind: 'postgres'; url: string; schema: string }
  | { kind: 'dir'; dir: string };

/** A store with the place its run states live: one side of a copy. */
export interface StoreContents {
  store: SecretStore;
  states: StateStore;
}

/**
 * Parses `--to`: a `postgres://` (or `postgresql://`) URL, else a folder (relative to `cwd`).
 * Another URL scheme, an empty value, control characters, a bad `--schema`, or `--schema` with
 * a folder is a {@link UsageError}.
 */
export function parseCopyTarget(to: string, schema: string | undefined, cwd: string): CopyTarget {
  if (to.trim() === '') throw new UsageError('--to must name a postgres:// URL or a folder.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) throw new UsageError('--to must not hold control characters.'); // not echoed: a URL may hold a password
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(to)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (schema !== undefined) throw new UsageError('--schema applies only to a --to postgres:// URL, not to a folder.');
    return { kind: 'dir', dir: resolve(cwd, to) };
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new UsageError(`--to must be a postgres:// URL or a folder, not a ${scheme}:// URL.`);
  }
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError('--schema must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters.');
  }
  describePgUrl(to, schema ?? DEFAULT_COPY_SCHEMA); // a URL that does not parse: one sentence, before anything opens
  return { kind: 'postgres', url: to, schema: schema ?? DEFAULT_COPY_SCHEMA };
}

/** The target for messages: the URL without its password (nor its query), or the folder. */
export function describeCopyTarget(target: CopyTarget): string {
  if (target.kind === 'dir') return `the file store in ${target.dir}`;
  const { host, port, database, user } = describePgUrl(target.url, target.schema);
  return `schema ${target.schema} of postgres://${user}@${host}:${port}/${database}`;
}

/** What {@link openCopyTarget} needs. */
export interface OpenCopyTargetOptions {
  env: NodeJS.ProcessEnv;
  /** Told the database password (and its URL-encoded form), so that no output shows it. */
  addSecret: (value: string) => void;
}

/**
 * Opens the store a copy writes to. A postgres target needs CONNECTORS_SECRET_KEY (the same
 * error as a `secret_store: {type: postgres}` without it); its password goes to `addSecret`
 * (the postgres store kind tells it, also when it is given as `?password=`).
 */
export function openCopyTarget(target: CopyTarget, options: OpenCopyTargetOptions): StoreContents {
  if (target.kind === 'dir') {
    const store = new FileStore({ home: target.dir, env: options.env });
    return { store, states: stateStoreFor(store, target.dir) };
  }
  const config: SecretStoreConfig = { type: 'postgres', url: target.url, schema: target.schema };
  const store = openSecretStore(config, { home: '', env: options.env, addSecret: options.addSecret });
  return { store, states: stateStoreFor(store, '') };
}

/** Where the project's own store is, as far as `secret_store:` says. */
export interface SourceStoreLocation {
  config: SecretStoreConfig | undefined;
  home: string;
  configDir?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Refuses a target that is the project's own store (the same folder; the same host, port,
 * database and schema) with a {@link ConnectorsError}: copying a store onto itself would only
 * count everything as already there.
 */
export function assertNotSourceStore(target: CopyTarget, source: SourceStoreLocation): void {
  const folder = fileStoreFolder(source.config, source);
  if (target.kind === 'dir') {
    if (folder !== undefined && samePath(folder, target.dir)) {
      throw new ConnectorsError(`--to ${target.dir} is the project's own secret store; copy it to another folder or database.`);
    }
    return;
  }
  if (source.config?.type !== 'postgres') return;
  const url = typeof source.config.url === 'string' && source.config.url !== '' ? source.config.url : source.env[DATABASE_URL_ENV];
  if (!url) return;
  const schema = typeof source.config.schema === 'string' ? source.config.schema : DEFAULT_COPY_SCHEMA;
  let own: PgTarget;
  try {
    own = describePgUrl(url, schema);
  } catch (error) {
    if (error instanceof SecretStoreError) return; // the project's store reports its own URL when it opens
    throw error;
  }
  const to = describePgUrl(target.url, target.schema);
  if (own.host.toLowerCase() === to.host.toLowerCase() && own.port === to.port && own.database === to.database && own.schema === to.schema) {
    throw new ConnectorsError(`--to names the project's own secret store (${describeCopyTarget(target)}); copy it to another database or --schema.`);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  return real(a) === real(b);
}

