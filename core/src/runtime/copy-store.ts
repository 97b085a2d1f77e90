/**
 * `connectors store copy --to <postgres url | dir>` (DESIGN.md section 10 "Moving up"): copies
 * every secret, session, state and `serve` caller of the project's store into another store.
 *
 * - Idempotent: a value already identical at the destination is not rewritten and counts as
 *   "already there", so a second run writes nothing.
 * - The source wins: a different value at the destination is overwritten (and counted as
 *   overwritten). What only the destination holds is left as it is: a copy, not a sync.
 * - Values are read and written through the stores' own interfaces, so each is decrypted with the
 *   source's key and sealed with the destination's.
 * - A failed copy can be run again: it goes on where it stopped (what was copied is already there).
 */
import { isDeepStrictEqual } from 'node:util';
import { REDACTOR, SECRET_STORE } from '../container.js';
import { ConnectorsError, SecretStoreError } from '../errors.js';
import type { Redactor } from '../http/redact.js';
import type { ConnectionRef, SecretStore } from '../secrets/store.js';
import { stateStoreFor } from '../streams/secret-store-states.js';
import { assertNotSourceStore, describeCopyTarget, openCopyTarget, parseCopyTarget, type StoreContents } from './copy-target.js';
import type { Project } from './open-project.js';

/** What a copy wrote, by kind of value, and what it found already there. */
export interface CopyCounts {
  /** Secrets written (new at the destination or overwriting a different value). */
  secrets: number;
  sessions: number;
  states: number;
  callers: number;
  /** Values (of every kind) the destination already held, identical: not rewritten. */
  alreadyThere: number;
  /** Of the values written, those that replaced a different value at the destination. */
  overwritten: number;
}

/** What {@link copyStoreContents} may be told. */
export interface CopyStoreContentsOptions {
  /** Told every secret value copied (a secret, a session's secrets), so that no output shows one. */
  addSecret?: (value: string) => void;
}

/**
 * Copies everything `from` holds into `to` (see the module comment for the rules). The source
 * store must list its connectors ({@link SecretStore.listConnectors}) and its states
 * (`StateStore.list`); one that cannot is a {@link ConnectorsError} before anything is written.
 */
export async function copyStoreContents(from: StoreContents, to: StoreContents, options: CopyStoreContentsOptions = {}): Promise<CopyCounts> {
  const addSecret = options.addSecret ?? (() => undefined);
  assertListable(from);
  const counts: CopyCounts = { secrets: 0, sessions: 0, states: 0, callers: 0, alreadyThere: 0, overwritten: 0 };
  const connectors = await from.store.listConnectors!();
  const sourceStates = await from.states.list!();
  const sourceCallers = await from.store.listCallers();
  const targetCallers = new Map((await to.store.listCallers()).map((caller) => [caller.name, caller]));

  for (const connector of connectors) {
    for (const connection of await from.store.listConnections(connector)) {
      await copySecrets(from.store, to.store, { connector, connection }, counts, addSecret);
      await copySession(from.store, to.store, { connector, connection }, counts, addSecret);
    }
  }
  for (const ref of sourceStates) {
    const value = await from.states.load(ref.connector, ref.connection);
    if (value === undefined) continue; // removed since it was listed
    const existing = await to.states.load(ref.connector, ref.connection);
    if (tally(counts, 'states', existing, value)) await to.states.save(ref.connector, ref.connection, value);
  }
  for (const caller of sourceCallers) {
    if (tally(counts, 'callers', targetCallers.get(caller.name), caller)) await to.store.putCaller(caller);
  }
  return counts;
}

/** Refuses a source that cannot list what it holds: one sentence, before anything is opened or written. */
function assertListable(from: StoreContents): void {
  if (typeof from.store.listConnectors !== 'function') {
    throw new ConnectorsError("The project's secret store cannot be listed (it has no listConnectors), so store copy cannot find what to copy.");
  }
  if (typeof from.states.list !== 'function') {
    throw new ConnectorsError("The project's run states cannot be listed (their state store has no list), so store copy cannot find them.");
  }
}

async function copySecrets(from: SecretStore, to: SecretStore, ref: ConnectionRef, counts: CopyCounts, addSecret: (value: string) => void): Promise<void> {
  const secrets = await from.getSecrets(ref);
  const names = Object.keys(secrets).sort();
  if (names.length === 0) return;
  const existing = await to.getSecrets(ref);
  for (const name of names) {
    const value = secrets[name]!;
    addSecret(value);
    const there = Object.hasOwn(existing, name) ? existing[name] : undefined;
    if (tally(counts, 'secrets', there, value)) await to.setSecret(ref, name, value);
  }
}

async function copySession(from: SecretStore, to: SecretStore, ref: ConnectionRef, counts: CopyCounts, addSecret: (value: string) => void): Promise<void> {
  const session = await from.getSession(ref);
  if (session === undefined) return;
  for (const value of Object.values(session.secrets)) addSecret(value);
  if (tally(counts, 'sessions', await to.getSession(ref), session)) await to.setSession(ref, session);
}

/** Counts one value; true when it must be written (absent at the destination, or different there). */
function tally(counts: CopyCounts, kind: 'secrets' | 'sessions' | 'states' | 'callers', existing: unknown, value: unknown): boolean {
  if (existing !== undefined && isDeepStrictEqual(existing, value)) {
    counts.alreadyThere += 1;
    return false;
  }
  counts[kind] += 1;
  if (existing !== undefined) counts.overwritten += 1;
  return true;
}

/** `--to` and `--schema` of `connectors store copy`. */
export interface CopyStoreOptions {
  /** A `postgres://` URL or a folder (relative to the project's working directory). */
  to: string;
  /** The PostgreSQL schema of a `postgres://` target. Default `connectors`. */
  schema?: string;
}

/** What {@link copyStore} did, and where to (for messages: never a password). */
export interface CopyStoreResult extends CopyCounts {
  destination: string;
}

/**
 * Copies the project's store (`secret_store:` of connectors.config.yaml, with its states) to the
 * store `options.to` names. A target that is the project's own store is refused; the database
 * password of a postgres target is added to the process's redactor before anything can print it.
 */
export async function copyStore(project: Project, options: CopyStoreOptions): Promise<CopyStoreResult> {
  const target = parseCopyTarget(options.to, options.schema, project.cwd);
  const secretStore = project.config?.secret_store;
  assertNotSourceStore(target, { config: secretStore, home: project.home, configDir: project.config?.dir, env: project.env });
  const redactor = project.container.resolve<Redactor>(REDACTOR);
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  const source: StoreContents = { store, states: stateStoreFor(store, project.home) };
  assertListable(source);
  const destination = openCopyTarget(target, { env: project.env, addSecret: (value) => redactor.addDerived(value) });
  try {
    await reportTargetErrors(() => destination.store.listCallers()); // reach it before anything is read
    const counts = await copyStoreContents(source, destination, {
      addSecret: (value) => redactor.add(value),
    });
    return { ...counts, destination: describeCopyTarget(target) };
  } finally {
    await destination.store.close?.();
  }
}

/**
 * Runs `fn` on the target store; an error whose hint points at `secret_store.url` (the project's
 * store) points at `--to` instead.
 */
async function reportTargetErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SecretStoreError && error.hint?.includes('secret_store.url')) {
      throw new SecretStoreError(error.message, { hint: 'Check the host and port of --to, and that the server runs.', cause: error });
    }
    throw error;
  }
}

/** "Copied 4 secrets, 2 sessions, 1 state and 1 caller to ... (3 already there)." */
export function describeCopy(result: CopyStoreResult): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const overwritten = result.overwritten > 0 ? `, ${result.overwritten} overwritten` : '';
  return `Copied ${plural(result.secrets, 'secret', 'secrets')}, ${plural(result.sessions, 'session', 'sessions')}, ${plural(result.states, 'state', 'states')} and ${plural(result.callers, 'caller', 'callers')} to ${result.destination} (${result.alreadyThere} already there${overwritten}).`;
}
