/**
 * The secret store contract (DESIGN.md section 5): per connection, plain secrets by name and the
 * stored session. The embedded default is {@link FileStore}; other stores implement
 * {@link SecretStore}.
 */
import { SecretStoreError } from '../errors.js';
import { isReservedKey } from '../reserved-keys.js';

/** One account of a connector: the key of everything a store holds. */
export interface ConnectionRef {
  /** The connector's name, e.g. `tripletex`. */
  connector: string;
  /** The connection's name, `default` unless `--connection` says otherwise. */
  connection: string;
}

/** A session as a store keeps it: JSON only, times as ISO-8601 strings. */
export interface StoredSession {
  /** The injected secrets: tokens, tickets. */
  secrets: Record<string, string>;
  /** When the credentials stop working (ISO-8601). */
  expiresAt?: string;
  /** When the credentials were issued (ISO-8601). */
  issuedAt?: string;
  /** Non-secret values exposed to templates as `{{ auth.<key> }}`. */
  values?: Record<string, unknown>;
  /** The connection's cookie jar, serialised (tough-cookie's `toJSON()`). */
  cookies?: unknown;
  /** When the session was stored (ISO-8601). */
  savedAt: string;
  /** Digest of the required secrets the session was made from; a mismatch renews it. */
  credentials?: string;
}

/**
 * A caller of `connectors serve` (DESIGN.md section 9) as a store keeps it: never its key, only the
 * key's SHA-256 and what the caller may do.
 */
export interface StoredCaller {
  /** The caller's name, shown in the audit log. */
  name: string;
  /** SHA-256 of the caller key (`ck_...`), lower-case hex. */
  keySha256: string;
  /** `<connector>/<connection>` globs the caller may use. */
  allow: string[];
  /** May ask for credentials (`POST /v1/connections/.../credentials`). */
  credentials: boolean;
  /** May read `GET /metrics`. */
  metrics: boolean;
  /** When the caller was added (ISO-8601). */
  createdAt: string;
}

/**
 * Where secrets and sessions live. Every method is async; a store that cannot be read or written
 * throws a `SecretStoreError`. A store must never mix connections: `getSecrets(ref)` returns only
 * that connection's secrets.
 */
export interface SecretStore {
  /**
   * The plain secrets of one connection, by name (empty when none). `names` are the ones the
   * caller needs (the scheme's and the manifest's, with aliases and seeds): a store that can list
   * its secrets returns them all and may ignore `names`; a store that reads one name at a time (the
   * command store) returns only those of `names` it holds, and `{}` without `names`.
   */
  getSecrets(ref: ConnectionRef, names?: readonly string[]): Promise<Record<string, string>>;
  /** Stores one secret, replacing a previous value. */
  setSecret(ref: ConnectionRef, name: string, value: string): Promise<void>;
  /** Deletes one secret; false when it was not stored. */
  deleteSecret(ref: ConnectionRef, name: string): Promise<boolean>;
  /** The stored session of one connection, if any. */
  getSession(ref: ConnectionRef): Promise<StoredSession | undefined>;
  /** Stores the session of one connection; `undefined` discards it. */
  setSession(ref: ConnectionRef, session: StoredSession | undefined): Promise<void>;
  /** The names of the connections of a connector that hold a secret or a session, sorted. */
  listConnections(connector: string): Promise<string[]>;
  /** The callers of `connectors serve`, sorted by name. */
  listCallers(): Promise<StoredCaller[]>;
  /** Stores a caller, replacing one of the same name. */
  putCaller(caller: StoredCaller): Promise<void>;
  /** Deletes a caller; false when there was none of that name. */
  deleteCaller(name: string): Promise<boolean>;
  /**
   * Optional: runs `fn` holding the connection's lock across processes and machines, for a store
   * that has its own (the PostgreSQL store: the session row `FOR UPDATE`). Without it the
   * SessionManager takes a lock file beside the store. Inside `fn`, the store's calls for that
   * connection must see and make changes that no other holder can interleave with.
   */
  withConnectionLock?<T>(ref: ConnectionRef, fn: () => Promise<T>): Promise<T>;
  /** Optional: the saved run state of a connection, for a store that keeps states itself (PostgreSQL); else states are files under CONNECTORS_HOME. */
  getState?(ref: ConnectionRef): Promise<unknown>;
  /** Optional, with {@link SecretStore.getState}: replaces the saved run state of a connection. */
  setState?(ref: ConnectionRef, state: unknown): Promise<void>;
  /**
   * Optional, with {@link SecretStore.getState}: every connection with a saved state, sorted by
   * connector, then connection (`connectors store copy` finds the states to copy with it).
   */
  listStates?(): Promise<ConnectionRef[]>;
  /**
   * Optional: the names of the connectors holding a secret, a session or (for a store that keeps
   * states, {@link SecretStore.getState}) a state, sorted. `connectors store copy` needs it to find
   * everything a store holds; a store without it cannot be copied from.
   */
  listConnectors?(): Promise<string[]>;
  /**
   * Optional: re-encrypts every stored value under the current key (`connectors secrets rekey`),
   * opening old values with the previous keys. A value no key opens stops it with that error and
   * nothing is changed.
   */
  rekey?(): Promise<RekeyCounts>;
  /** Optional: releases what the store holds open (a database pool) when the process is done with it. */
  close?(): Promise<void>;
}

/** What {@link SecretStore.rekey} rewrote, by kind of value. */
export interface RekeyCounts {
  secrets: number;
  sessions: number;
  states: number;
  callers: number;
}

/** True when `store` brings its own connection lock (see {@link SecretStore.withConnectionLock}). */
export function hasOwnConnectionLock(store: SecretStore): store is SecretStore & Required<Pick<SecretStore, 'withConnectionLock'>> {
  return typeof store.withConnectionLock === 'function';
}

/** Orders connections by connector, then connection (code-point order, as `Array.prototype.sort`). */
export function compareRefs(a: ConnectionRef, b: ConnectionRef): number {
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return order(a.connector, b.connector) || order(a.connection, b.connection);
}

/** The longest name {@link isFileSafeName} accepts: with `.json`/`.lock` it stays well under a file system's 255 bytes. */
export const MAX_FILE_SAFE_NAME_LENGTH = 100;

/**
 * True for a name that can also name a file: letters, digits, `_`, `-` and `.`, not starting with
 * `.` or `-`, without `..`, at most {@link MAX_FILE_SAFE_NAME_LENGTH} characters, and not a key
 * JavaScript objects reserve (`__proto__`, `constructor`, `prototype`: names are also keys of the
 * stores' JSON). Connections name their state file and lock, so every command holds connection
 * names to this one rule.
 */
export function isFileSafeName(name: string): boolean {
  return (
    name.length <= MAX_FILE_SAFE_NAME_LENGTH &&
    /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) &&
    !name.includes('..') &&
    !isReservedKey(name)
  );
}

/**
 * Refuses names a JSON-backed store cannot hold safely (`__proto__`) or that are empty; a
 * `SecretStoreError` names the bad one.
 */
export function assertStorableName(ref: ConnectionRef, secret?: string): void {
  const names: [string, string | undefined][] = [
    ['connector', ref.connector],
    ['connection', ref.connection],
    ['secret', secret],
  ];
  for (const [what, name] of names) {
    if (name === undefined && what === 'secret') continue;
    if (!name || name === '__proto__') {
      throw new SecretStoreError(`The ${what} name "${name ?? ''}" cannot be stored.`);
    }
  }
}

/** What {@link setSecretAndDiscardSession} did. */
export interface SetSecretResult {
  /** True when a stored session was discarded so the new value is used. */
  sessionDiscarded: boolean;
}

/**
 * `connectors secrets set` (DESIGN.md section 8, "Secret precedence"): stores a secret and, when
 * the connection's session also holds that name (or the scheme injects it, e.g.
 * `oauth_refresh_token`), discards the session so the next run uses the new value instead of the
 * session's. Run it under the connection lock (`SessionManager.withConnectionLock`) so a renewal
 * in another process cannot store a session made from the old value in between.
 */
export async function setSecretAndDiscardSession(
  store: SecretStore,
  ref: ConnectionRef,
  name: string,
  value: string,
  injectedSecrets: readonly string[] = [],
): Promise<SetSecretResult> {
  await store.setSecret(ref, name, value);
  const session = await store.getSession(ref);
  if (!session) return { sessionDiscarded: false };
  if (!Object.hasOwn(session.secrets, name) && !injectedSecrets.includes(name)) return { sessionDiscarded: false };
  await store.setSession(ref, undefined);
  return { sessionDiscarded: true };
}

/**
 * A name as one printable line for an error message: JSON-quoted (a newline shows as `\\n`) and
 * cut to 40 characters with an ellipsis.
 */
export function quoteName(name: string): string {
  const quoted = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  return name.length > 40 ? `${quoted} (${name.length} characters)` : quoted;
}
