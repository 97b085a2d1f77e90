/**
 * The PostgreSQL secret store (DESIGN.md section 10, `secret_store: {type: postgres, url, schema}`):
 * secrets, sessions (with their cookie jars), run states and the callers of `connectors serve` in
 * one database that every machine shares. Every value is sealed before it is written
 * (AES-256-GCM, {@link sealRow}, key id per row); names are the only plain text.
 *
 * The connection lock is the session row held `FOR UPDATE` by the renewal's transaction
 * ({@link PostgresStore.withConnectionLock}): the store's reads and writes of that connection inside
 * the lock run in that transaction, which commits when the lock ends. A holder that dies loses its
 * database connection and with it the lock, at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { assertStorableName, compareRefs, type ConnectionRef, type RekeyCounts, type SecretStore, type StoredCaller, type StoredSession } from '../store.js';
import { describePgUrl, toPgStoreError, type PgTarget } from './describe-pg-error.js';
import { applyMigrations, quoteIdentifier } from './migrations.js';
import { openRow, rowIdentity, sealRow, type RowKey, type SealedValue } from './row-cipher.js';

/** What {@link PostgresStore} needs. */
export interface PostgresStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE`. */
  url: string;
  /** The schema holding the tables. Default `connectors`. */
  schema?: string;
  /** The key new values are sealed with (`CONNECTORS_SECRET_KEY`). */
  key: RowKey;
  /** Retired keys that still open old rows (`CONNECTORS_SECRET_KEY_PREVIOUS`). */
  previousKeys?: readonly RowKey[];
  /** How long a renewal waits for another holder of the connection's lock. Default 60 s. */
  lockTimeoutMs?: number;
  /** How long connecting may take before the store is reported unreachable. Default 10 s. */
  connectTimeoutMs?: number;
  /** Most connections of the pool. Default 10. */
  maxConnections?: number;
}


interface Transaction {
  key: string;
  client: pg.PoolClient;
}

/** What runs a statement: a pool, or a client (in a transaction). */
export type Queryable = Pick<pg.ClientBase, 'query'>;

const DEFAULT_SCHEMA = 'connectors';

/** The {@link SecretStore} on PostgreSQL. */
export class PostgresStore implements SecretStore {
  /** Where the store is, for messages (never the password). */
  readonly target: PgTarget;
  private readonly poolConfig: pg.PoolConfig;
  private pool?: Promise<pg.Pool>;
  private readonly schema: string;
  private readonly key: RowKey;
  private readonly keys: readonly RowKey[];
  private readonly lockTimeoutMs: number;
  private readonly transaction = new AsyncLocalStorage<Transaction>();
  private migrated?: Promise<void>;

  constructor(options: PostgresStoreOptions) {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    this.target = describePgUrl(options.url, schema);
    this.schema = quoteIdentifier(schema);
    this.key = options.key;
    this.keys = [options.key, ...(options.previousKeys ?? [])];
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.poolConfig = {
      connectionString: options.url,
      application_name: 'connectors',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      max: options.maxConnections ?? 10,
      allowExitOnIdle: true,
    };
  }

  async getSecrets(ref: ConnectionRef): Promise<Record<string, string>> {
    const rows = await this.query<SealedValue & { name: string }>(ref, 'read the secrets', `SELECT name, key_id, iv, tag, data FROM ${this.schema}.secrets WHERE connector = $1 AND connection = $2 ORDER BY name`, [ref.connector, ref.connection]);
    const secrets: Record<string, string> = {};
    for (const row of rows) {
      secrets[row.name] = this.open(row, 'secrets', `the secret ${row.name} of ${describe(ref)}`, ref.connector, ref.connection, row.name) as string;
    }
    return secrets;
  }

  async setSecret(ref: ConnectionRef, name: string, value: string): Promise<void> {
    assertStorableName(ref, name);
    const sealed = sealRow(value, this.key, rowIdentity('secrets', ref.connector, ref.connection, name));
    await this.query(ref, 'store a secret', `INSERT INTO ${this.schema}.secrets (connector, connection, name, key_id, iv, tag, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (connector, connection, name) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, tag = EXCLUDED.tag, data = EXCLUDED.data, updated_at = now()`, [ref.connector, ref.connection, name, sealed.key_id, sealed.iv, sealed.tag, sealed.data]);
  }

  async deleteSecret(ref: ConnectionRef, name: string): Promise<boolean> {
    const rows = await this.query(ref, 'delete a secret', `DELETE FROM ${this.schema}.secrets WHERE connector = $1 AND connection = $2 AND name = $3 RETURNING name`, [ref.connector, ref.connection, name]);
    return rows.length > 0;
  }

  async getSession(ref: ConnectionRef): Promise<StoredSession | undefined> {
    const rows = await this.query<Partial<SealedValue>>(ref, 'read the session', `SELECT key_id, iv, tag, data FROM ${this.schema}.sessions WHERE connector = $1 AND connection = $2`, [ref.connector, ref.connection]);
    const row = rows[0];
    if (!row?.key_id) return undefined;
    return this.open(row as SealedValue, 'sessions', `the session of ${describe(ref)}`, ref.connector, ref.connection) as StoredSession;
  }

  async setSession(ref: ConnectionRef, session: StoredSession | undefined): Promise<void> {
    assertStorableName(ref);
    if (session === undefined) {
      await this.query(ref, 'discard the session', `UPDATE ${this.schema}.sessions SET key_id = NULL, iv = NULL, tag = NULL, data = NULL, updated_at = now() WHERE connector = $1 AND connection = $2`, [ref.connector, ref.connection]);
      return;
    }
    const sealed = sealRow(session, this.key, rowIdentity('sessions', ref.connector, ref.connection));
    await this.query(ref, 'store the session', `INSERT INTO ${this.schema}.sessions (connector, connection, key_id, iv, tag, data) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (connector, connection) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, tag = EXCLUDED.tag, data = EXCLUDED.data, updated_at = now()`, [ref.connector, ref.connection, sealed.key_id, sealed.iv, sealed.tag, sealed.data]);
  }

  async listConnections(connector: string): Promise<string[]> {
    const rows = await this.query<{ connection: string }>(undefined, 'list the connections', `SELECT connection FROM ${this.schema}.secrets WHERE connector = $1
      UNION SELECT connection FROM ${this.schema}.sessions WHERE connector = $1 AND key_id IS NOT NULL ORDER BY connection`, [connector]);
    return rows.map((row) => row.connection);
  }

  /** The connectors holding a secret, a session or a state, sorted. */
  async listConnectors(): Promise<string[]> {
    const rows = await this.query<{ connector: string }>(undefined, 'list the connectors', `SELECT connector FROM ${this.schema}.secrets
      UNION SELECT connector FROM ${this.schema}.sessions WHERE key_id IS NOT NULL
      UNION SELECT connector FROM ${this.schema}.states`);
    return rows.map((row) => row.connector).sort(); // sorted here: the database's collation need not be code-point order
  }

  /** Every connection with a saved state, sorted by connector, then connection. */
  async listStates(): Promise<ConnectionRef[]> {
    const rows = await this.query<ConnectionRef>(undefined, 'list the states', `SELECT connector, connection FROM ${this.schema}.states`);
    return rows.map((row) => ({ connector: row.connector, connection: row.connection })).sort(compareRefs);
  }

  /** The saved run state of a connection (DESIGN.md section 8 "State"), if any. */
  async getState(ref: ConnectionRef): Promise<unknown> {
    const rows = await this.query<SealedValue>(ref, 'read the state', `SELECT key_id, iv, tag, data FROM ${this.schema}.states WHERE connector = $1 AND connection = $2`, [ref.connector, ref.connection]);
    return rows[0] ? this.open(rows[0], 'states', `the state of ${describe(ref)}`, ref.connector, ref.connection) : undefined;
  }

  /** Saves the run state of a connection, replacing the previous one. */
  async setState(ref: ConnectionRef, state: unknown): Promise<void> {
    const { sql, values } = this.stateStatement(ref, state);
    await this.query(ref, 'save the state', sql, values);
  }

  /**
   * Saves the run state of a connection through `client`: a connection to this store's database
   * that the caller holds in a transaction, so the state commits (or rolls back) together with what
   * else that transaction wrote: the `postgres` destination's batch of records (DESIGN.md section
   * 11). The caller commits.
   */
  async setStateWith(client: Queryable, ref: ConnectionRef, state: unknown): Promise<void> {
    const { sql, values } = this.stateStatement(ref, state);
    await this.migrate();
    try {
      await client.query(sql, values);
    } catch (error) {
      throw toPgStoreError(error, this.target, 'save the state');
    }
  }

  /** The URL of the store's database (with its password: never print it). */
  databaseUrl(): string {
    return this.poolConfig.connectionString!;
  }

  private stateStatement(ref: ConnectionRef, state: unknown): { sql: string; values: unknown[] } {
    assertStorableName(ref);
    const sealed = sealRow(state, this.key, rowIdentity('states', ref.connector, ref.connection));
    return {
      sql: `INSERT INTO ${this.schema}.states (connector, connection, key_id, iv, tag, data) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (connector, connection) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, tag = EXCLUDED.tag, data = EXCLUDED.data, updated_at = now()`,
      values: [ref.connector, ref.connection, sealed.key_id, sealed.iv, sealed.tag, sealed.data],
    };
  }

  async listCallers(): Promise<StoredCaller[]> {
    const rows = await this.query<SealedValue & { name: string }>(undefined, 'read the callers', `SELECT name, key_id, iv, tag, data FROM ${this.schema}.callers ORDER BY name`);
    return rows.map((row) => this.open(row, 'callers', `the caller ${row.name}`, row.name) as StoredCaller);
  }

  async putCaller(caller: StoredCaller): Promise<void> {
    const sealed = sealRow(caller, this.key, rowIdentity('callers', caller.name));
    await this.query(undefined, 'store a caller', `INSERT INTO ${this.schema}.callers (name, key_id, iv, tag, data) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (name) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, tag = EXCLUDED.tag, data = EXCLUDED.data, updated_at = now()`, [caller.name, sealed.key_id, sealed.iv, sealed.tag, sealed.data]);
  }

  async deleteCaller(name: string): Promise<boolean> {
    const rows = await this.query(undefined, 'delete a caller', `DELETE FROM ${this.schema}.callers WHERE name = $1 RETURNING name`, [name]);
    return rows.length > 0;
  }

  /**
   * Runs `fn` holding the connection's lock: a transaction holds its session row `FOR UPDATE` (made
   * when missing), the store's calls for that connection inside `fn` run in it, and it commits when
   * `fn` resolves (rolls back when it throws). Waiting for another holder is bounded
   * (`lockTimeoutMs`, then a `LockTimeoutError`).
   */
  async withConnectionLock<T>(ref: ConnectionRef, fn: () => Promise<T>): Promise<T> {
    assertStorableName(ref);
    await this.migrate();
    const what = `the lock of ${describe(ref)}`;
    const client = await this.connect(`take ${what}`);
    let result: T;
    try {
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(this.lockTimeoutMs))}`);
        await client.query(`INSERT INTO ${this.schema}.sessions (connector, connection) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [ref.connector, ref.connection]);
        await client.query(`SELECT 1 FROM ${this.schema}.sessions WHERE connector = $1 AND connection = $2 FOR UPDATE`, [ref.connector, ref.connection]);
      } catch (error) {
        throw toPgStoreError(error, this.target, `take ${what}`);
      }
      result = await this.transaction.run({ key: keyOf(ref), client }, fn);
      try {
        await client.query('COMMIT');
      } catch (error) {
        throw toPgStoreError(error, this.target, `store what was done under ${what}`);
      }
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      client.release(!rolledBack); // a connection that cannot roll back is broken: destroy it
      throw error;
    }
    client.release();
    return result;
  }

  /**
   * Re-seals every value under the current key (`connectors secrets rekey`), in one transaction.
   * A value no key opens stops it with that error and nothing is changed.
   */
  async rekey(): Promise<RekeyCounts> {
    await this.migrate();
    const client = await this.connect('re-encrypt the store');
    try {
      await client.query('BEGIN');
      const counts: RekeyCounts = { secrets: 0, sessions: 0, states: 0, callers: 0 };
      const secrets = await client.query<SealedValue & { connector: string; connection: string; name: string }>(`SELECT connector, connection, name, key_id, iv, tag, data FROM ${this.schema}.secrets FOR UPDATE`);
      for (const row of secrets.rows) {
        const identity = rowIdentity('secrets', row.connector, row.connection, row.name);
        const value = openRow(row, this.keys, identity, `The secret ${row.name} of ${row.connector}/${row.connection} in the PostgreSQL store`);
        await this.reseal(client, 'secrets', 'connector = $5 AND connection = $6 AND name = $7', [row.connector, row.connection, row.name], value, identity);
        counts.secrets += 1;
      }
      for (const table of ['sessions', 'states'] as const) {
        const rows = await client.query<SealedValue & { connector: string; connection: string }>(`SELECT connector, connection, key_id, iv, tag, data FROM ${this.schema}.${table} WHERE key_id IS NOT NULL FOR UPDATE`);
        for (const row of rows.rows) {
          const identity = rowIdentity(table, row.connector, row.connection);
          const value = openRow(row, this.keys, identity, `The ${table === 'sessions' ? 'session' : 'state'} of ${row.connector}/${row.connection} in the PostgreSQL store`);
          await this.reseal(client, table, 'connector = $5 AND connection = $6', [row.connector, row.connection], value, identity);
          counts[table] += 1;
        }
      }
      const callers = await client.query<SealedValue & { name: string }>(`SELECT name, key_id, iv, tag, data FROM ${this.schema}.callers FOR UPDATE`);
      for (const row of callers.rows) {
        const identity = rowIdentity('callers', row.name);
        await this.reseal(client, 'callers', 'name = $5', [row.name], openRow(row, this.keys, identity, `The caller ${row.name} in the PostgreSQL store`), identity);
        counts.callers += 1;
      }
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toPgStoreError(error, this.target, 're-encrypt the store');
    } finally {
      client.release();
    }
  }

  /** Closes the pool (a long-running process on its way out). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).end();
  }

  private async reseal(client: pg.PoolClient, table: string, where: string, keys: string[], value: unknown, identity: Buffer): Promise<void> {
    const sealed = sealRow(value, this.key, identity);
    await client.query(`UPDATE ${this.schema}.${table} SET key_id = $1, iv = $2, tag = $3, data = $4, updated_at = now() WHERE ${where}`, [sealed.key_id, sealed.iv, sealed.tag, sealed.data, ...keys]);
  }

  private open(row: SealedValue, table: string, where: string, ...identity: string[]): unknown {
    return openRow(row, this.keys, rowIdentity(table, ...identity), `${capitalize(where)} in the PostgreSQL store`);
  }

  /** Applies the migrations once per process, at first use. */
  private migrate(): Promise<void> {
    this.migrated ??= (async () => {
      const client = await this.connect('prepare the schema');
      try {
        await applyMigrations(client, this.target.schema);
      } catch (error) {
        throw toPgStoreError(error, this.target, `create the schema ${this.target.schema}`);
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  private async connect(doing: string): Promise<pg.PoolClient> {
    try {
      const client = await (await this.openPool()).connect();
      if (!listened.has(client)) {
        // A checked-out client whose server goes away emits 'error'; its query rejects with it too.
        client.on('error', () => undefined);
        listened.add(client);
      }
      return client;
    } catch (error) {
      throw toPgStoreError(error, this.target, doing);
    }
  }

  /** The pool, made at first use: \`pg\` is loaded only by processes that use this store. */
  private openPool(): Promise<pg.Pool> {
    this.pool ??= import('pg').then(({ default: driver }) => {
      const pool = new driver.Pool(this.poolConfig);
      // An idle client whose server went away must not crash the process; the next query reports it.
      pool.on('error', () => undefined);
      return pool;
    });
    return this.pool;
  }

  /** One statement: in the connection's lock transaction when inside it, else on the pool. */
  private async query<T extends pg.QueryResultRow = pg.QueryResultRow>(ref: ConnectionRef | undefined, doing: string, sql: string, values?: unknown[]): Promise<T[]> {
    await this.migrate();
    const held = this.transaction.getStore();
    const on: Queryable = held && ref && held.key === keyOf(ref) ? held.client : await this.openPool();
    try {
      return (await on.query<T>(sql, values)).rows;
    } catch (error) {
      throw toPgStoreError(error, this.target, doing);
    }
  }
}

/** Clients that already have an 'error' listener (pg reuses them across checkouts). */
const listened = new WeakSet<pg.PoolClient>();

function keyOf(ref: ConnectionRef): string {
  return JSON.stringify([ref.connector, ref.connection]);
}

function describe(ref: ConnectionRef): string {
  return `${ref.connector}/${ref.connection}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
