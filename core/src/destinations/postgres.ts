/**
 * `postgres` and `postgres:<url>` (DESIGN.md section 11): each stream into its table
 * ({@link prepareTable}), records in batches of one multi-row statement per table and
 * transaction, upserted on `(_connection, _pk)` (so a retried run never duplicates a record) or
 * appended for a stream without `primary_key`.
 *
 * The state: a checkpoint ({@link PostgresDestination.writeState}) waits for the next batch and is
 * committed with it, never before its records. When the destination is the store's own database,
 * the store's state row is written in the batch's transaction ({@link StateInDatabase}); otherwise
 * the state is saved right after the batch commits (a crash in between re-reads that batch, which
 * the upsert absorbs).
 */
import type pg from 'pg';
import { ConnectorsError, DestinationError } from '../errors.js';
import type { StreamOutputInfo } from '../output/output-writer.js';
import { toPgStoreError, type PgSubject, type PgTarget } from '../secrets/postgres/describe-pg-error.js';
import type { Queryable } from '../secrets/postgres/postgres-store.js';
import type { ConnectionRef } from '../secrets/store.js';
import { compilePath, type PathGetter } from '../streams/records.js';
import type { StateStore, StateValue } from '../streams/state.js';
import { formatMiB, STATE_MAX_BYTES } from '../streams/state-limits.js';
import { sameState, type Destination } from './destination.js';
import { prepareTable, streamTable, type StreamTable } from './postgres-tables.js';

/** A store that keeps states in a PostgreSQL database and can write one in a caller's transaction (the PostgreSQL store). */
export interface StateInDatabase {
  /** The database's URL. */
  databaseUrl(): string;
  /** Writes the state row through `client`, inside the caller's transaction. */
  setStateWith(client: Queryable, ref: ConnectionRef, state: unknown): Promise<void>;
}

/** True when `store` can commit a state in a destination's transaction. */
export function isStateInDatabase(store: unknown): store is StateInDatabase {
  const candidate = store as Partial<StateInDatabase> | null;
  return typeof candidate?.databaseUrl === 'function' && typeof candidate.setStateWith === 'function';
}

/** What {@link PostgresDestination} needs. */
export interface PostgresDestinationOptions {
  /** The database (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`). */
  url: string;
  /** Where it is, for messages (no password). */
  target: PgTarget;
  /** The tables' schema. */
  schema: string;
  connector: string;
  connection: string;
  /**
   * How the state is committed: in the batch's transaction by the store that keeps it in this
   * database (`inTransaction`), or saved after the batch commits (`after`); absent: no state saved.
   */
  state?: { inTransaction: StateInDatabase } | { after: StateStore };
  /** For messages: `postgres (the store's database...)` or the URL without its password. */
  description: string;
  /** Records buffered before a batch is written (default 5,000). */
  batchRecords?: number;
  /** JSON bytes buffered before a batch is written (default 8 MiB). */
  batchBytes?: number;
}

interface StreamBuffer {
  table: StreamTable;
  /** `_pk` text -> record JSON (upsert; the last of one key wins), or the records JSON (append). */
  keyed?: Map<string, string>;
  rows?: string[];
  key: PathGetter[];
  keyNames: string[];
}

const DESTINATION_SUBJECT: PgSubject = {
  name: 'the PostgreSQL destination',
  urlSource: 'the destination URL (or the store\'s database)',
  errorClass: DestinationError,
};

/** The `postgres` destination: see the module's comment. */
export class PostgresDestination implements Destination {
  readonly description: string;
  readonly #options: PostgresDestinationOptions;
  readonly #ref: ConnectionRef;
  readonly #buffers = new Map<string, StreamBuffer>();
  readonly #batchRecords: number;
  readonly #batchBytes: number;
  #client: Promise<pg.Client> | undefined;
  #buffered = 0;
  #bufferedBytes = 0;
  /** The latest checkpoint, committed with the next batch. */
  #pending: StateValue | undefined;
  #committed: StateValue | undefined;
  #closed = false;

  constructor(options: PostgresDestinationOptions) {
    this.#options = options;
    this.description = options.description;
    this.#ref = { connector: options.connector, connection: options.connection };
    this.#batchRecords = options.batchRecords ?? 5000;
    this.#batchBytes = options.batchBytes ?? 8 * 1024 * 1024;
  }

  async startStream(info: StreamOutputInfo): Promise<void> {
    const table = streamTable(this.#options.schema, this.#options.connector, info.name, info.keyProperties.length > 0 ? 'upsert' : 'append');
    const client = await this.#connect();
    await this.#run(`prepare the table ${table.schema}.${table.name}`, () => prepareTable(client, table));
    const buffer: StreamBuffer = { table, key: info.keyProperties.map((name) => compilePath(name)), keyNames: info.keyProperties };
    if (table.kind === 'upsert') buffer.keyed = new Map();
    else buffer.rows = [];
    this.#buffers.set(info.name, buffer);
  }

  async writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    const buffer = this.#buffers.get(stream);
    if (buffer === undefined) throw new Error(`Stream "${stream}" was not started.`);
    for (let i = 0; i < records.length; i += 1) {
      const record = records[i];
      const json = JSON.stringify(record);
      if (buffer.keyed !== undefined) {
        const pk = primaryKeyText(record, buffer, stream);
        buffer.keyed.delete(pk); // the last record of a key is written, in the place it came
        buffer.keyed.set(pk, json);
        this.#bufferedBytes += json.length + pk.length;
      } else {
        buffer.rows!.push(json);
        this.#bufferedBytes += json.length;
      }
      this.#buffered += 1;
    }
    if (this.#buffered >= this.#batchRecords || this.#bufferedBytes >= this.#batchBytes) await this.#flush(this.#pending);
  }

  /** A checkpoint: committed with the next batch, after the records before it. */
  writeState(value: StateValue): Promise<void> {
    if (this.#options.state !== undefined) this.#pending = value;
    return Promise.resolve();
  }

  async saveState(value: StateValue): Promise<void> {
    if (this.#options.state === undefined) return;
    this.#pending = value;
    await this.#flush(value);
  }

  /** Writes what the stream left in the buffer, so each stream's table is complete when the next starts. */
  async endStream(stream: string): Promise<void> {
    if (this.#buffers.has(stream)) await this.#flush(this.#pending);
    this.#buffers.delete(stream);
  }

  /** Writes what is left with `state` (the run's last safe state), then closes the connection. */
  async close(state: StateValue): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#options.state !== undefined) this.#pending = state;
      await this.#flush(this.#pending);
    } finally {
      this.#closed = true;
      const client = this.#client;
      this.#client = undefined;
      if (client) await client.then((c) => c.end()).catch(() => undefined);
    }
  }

  /**
   * One transaction: every buffered record, then `state` when it is new: in the transaction when
   * the store keeps it in this database, else saved once the transaction has committed.
   */
  async #flush(state: StateValue | undefined): Promise<void> {
    const commitState = this.#options.state !== undefined && state !== undefined && !sameState(state, this.#committed) ? state : undefined;
    if (this.#buffered === 0 && commitState === undefined) return;
    if (this.#closed) throw new DestinationError(`${capitalize(this.description)} was closed before the run wrote everything.`);
    const client = await this.#connect();
    const how = this.#options.state;
    await this.#run('write a batch of records', async () => {
      await client.query('BEGIN');
      try {
        for (const buffer of this.#buffers.values()) await writeBatch(client, buffer, this.#options.connection);
        if (commitState !== undefined && how !== undefined && 'inTransaction' in how) {
          assertStateSize(this.#ref, commitState);
          await how.inTransaction.setStateWith(client, this.#ref, commitState);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    this.#buffered = 0;
    this.#bufferedBytes = 0;
    if (commitState !== undefined && how !== undefined && 'after' in how) await how.after.save(this.#options.connector, this.#options.connection, commitState);
    if (commitState !== undefined) this.#committed = commitState;
  }

  #connect(): Promise<pg.Client> {
    this.#client ??= (async () => {
      const { default: driver } = await import('pg');
      const client = new driver.Client({ connectionString: this.#options.url, application_name: 'connectors', connectionTimeoutMillis: 10_000 });
      client.on('error', () => undefined); // a server that goes away fails the next query, which says so
      await this.#run('connect', () => client.connect());
      return client;
    })();
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }

  async #run<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toPgStoreError(error, { ...this.#options.target, schema: this.#options.schema }, doing, DESTINATION_SUBJECT);
    }
  }
}

/** Writes and empties one stream's buffer: a single statement, however many records. */
async function writeBatch(client: pg.ClientBase, buffer: StreamBuffer, connection: string): Promise<void> {
  const { table } = buffer;
  if (buffer.keyed !== undefined) {
    if (buffer.keyed.size === 0) return;
    let pairs = '[';
    let first = true;
    for (const [pk, json] of buffer.keyed) {
      pairs += `${first ? '' : ','}[${JSON.stringify(pk)},${json}]`;
      first = false;
    }
    pairs += ']';
    buffer.keyed.clear();
    await client.query(
      `INSERT INTO ${table.quoted} (_connection, _pk, _synced_at, record)
        SELECT $1, e->>0, now(), e->1 FROM jsonb_array_elements($2::jsonb) AS e
        ON CONFLICT (_connection, _pk) DO UPDATE SET _synced_at = EXCLUDED._synced_at, record = EXCLUDED.record`,
      [connection, pairs],
    );
    return;
  }
  const rows = buffer.rows!;
  if (rows.length === 0) return;
  const json = `[${rows.join(',')}]`;
  rows.length = 0;
  await client.query(
    `INSERT INTO ${table.quoted} (_connection, _synced_at, record) SELECT $1, now(), e FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n`,
    [connection, json],
  );
}

/** `_pk`: the JSON text of the list of the record's primary key values, e.g. `[42]` or `[42,"eu"]`. */
function primaryKeyText(record: unknown, buffer: StreamBuffer, stream: string): string {
  const values = buffer.key.map((get) => get(record));
  const missing = values.findIndex((value) => value === undefined || value === null);
  if (missing >= 0) {
    throw new DestinationError(`A record of stream ${stream} has no value for its primary key ${buffer.keyNames[missing]}, so it cannot be upserted.`, {
      hint: 'Fix primary_key in the manifest, or leave it out to append every record.',
    });
  }
  return JSON.stringify(values);
}

/** The size rule of every state store (a state is at most 16 MiB). */
function assertStateSize(ref: ConnectionRef, value: StateValue): void {
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > STATE_MAX_BYTES) {
    throw new ConnectorsError(
      `The state of ${ref.connector} (connection ${ref.connection}) would be ${formatMiB(bytes)}, more than the ${formatMiB(STATE_MAX_BYTES)} a state may be; it was not saved, and the state saved before is kept.`,
      { code: 'ERR_STATE_TOO_LARGE' },
    );
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
