import type { Logger } from '../plugin-api.js';
import type { OutputWriter } from '../output/output-writer.js';
import type { SecretStore } from '../secrets/store.js';
import type { StateStore, StateValue } from '../streams/state.js';

/**
 * Where a run's records go instead of Singer lines on stdout (DESIGN.md section 11
 * "Destinations"), and how its state is committed with them. A destination is an
 * {@link OutputWriter}: `writeRecords` takes a page, `writeState` a checkpoint, which the
 * destination commits together with the records before it (never ahead of them); `saveState`
 * commits at once; `close` commits what is left and releases what it holds.
 */
export interface Destination extends OutputWriter {
  /** What and where it is, for messages: never a password. */
  readonly description: string;
  /**
   * Commits every record written so far, then makes `value` the connection's saved state: in the
   * same transaction when the destination is the store's database, right after otherwise. Does
   * nothing when the run saves no state (a `--limit` sample).
   */
  saveState(value: StateValue): Promise<void>;
}

/** What opening a destination needs besides its spec. */
export interface DestinationContext {
  /** The connector being run: the folder under `dir:`, the table prefix in postgres. */
  connector: string;
  /** The connection being run. */
  connection: string;
  /**
   * Where the connection's state is saved; absent when the run saves none (`--limit`). Used by
   * every destination but the store's own database, which writes the state row itself.
   */
  states?: StateStore;
  /** The project's secret store: `postgres` without a URL writes to its database. */
  store?: SecretStore;
  /** For `CONNECTORS_DATABASE_URL` (`postgres` when the store is not PostgreSQL). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where a relative `dir:` path and a `command:` program start. Default `process.cwd()`. */
  cwd?: string;
  /** The run's log: a Singer target's stderr goes there line by line. Default stderr. */
  log?: Logger;
  /** Removes secrets from text the destination prints (the target's stderr). Default: none. */
  redact?: (text: string) => string;
  /** Told every value that must never be printed (a destination URL's password). */
  addSecret?: (value: string) => void;
  /** The run's clock (`_synced_at` is the database's own time). */
  now?: () => Date;
}

/** A state that holds the same as `b` (JSON-equal); `undefined` equals only itself. */
export function sameState(a: StateValue | undefined, b: StateValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
