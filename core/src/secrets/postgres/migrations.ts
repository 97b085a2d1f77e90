/**
 * The PostgreSQL store's schema, as numbered migrations (DESIGN.md section 10). They are applied at
 * first use under a transaction-level advisory lock, so processes starting at once on an empty
 * database wait for one another and each finds the schema complete. `schema_migrations` records
 * the versions applied; a database at a version this code does not know is an error, never a
 * downgrade.
 */
import type pg from 'pg';
import { SecretStoreError } from '../../errors.js';

/** One migration: its version and the SQL it runs (`%s` is the quoted schema name). */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, in order. Values are sealed (`key_id`, `iv`, `tag`, `data`); names are plain. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'secrets, sessions, states and callers',
    sql: `
      CREATE TABLE %s.secrets (
        connector text NOT NULL,
        connection text NOT NULL,
        name text NOT NULL,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        tag bytea NOT NULL,
        data bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector, connection, name)
      );
      -- A connection's session; the row is also the connection's renewal lock (FOR UPDATE), so it
      -- may exist without a session (key_id NULL).
      CREATE TABLE %s.sessions (
        connector text NOT NULL,
        connection text NOT NULL,
        key_id text,
        iv bytea,
        tag bytea,
        data bytea,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector, connection)
      );
      CREATE TABLE %s.states (
        connector text NOT NULL,
        connection text NOT NULL,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        tag bytea NOT NULL,
        data bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector, connection)
      );
      CREATE TABLE %s.callers (
        name text PRIMARY KEY,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        tag bytea NOT NULL,
        data bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** `"name"`, with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Brings `schema` up to the last of `migrations` (the store's {@link MIGRATIONS} by default) on `client` (which must not be in a transaction):
 * creates the schema and `schema_migrations` when missing and applies the missing migrations, all
 * in one transaction under an advisory lock keyed by the schema's name.
 */
export async function applyMigrations(client: pg.ClientBase, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const quoted = quoteIdentifier(schema);
  const latest = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('connectors-migrations'), hashtext($1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quoted}.schema_migrations`);
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new SecretStoreError(
        `The PostgreSQL schema ${schema} is at version ${current}, newer than this version of connectors knows (${latest}); it is left untouched.`,
        { hint: 'Upgrade connectors on this machine to the version the other machines run.' },
      );
    }
    for (const migration of migrations.filter((m) => m.version > current)) {
      await client.query(migration.sql.replaceAll('%s', quoted));
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
