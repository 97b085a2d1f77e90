/**
 * The tables of the `postgres` destination (DESIGN.md section 11): one per stream,
 * `<schema>.<connector>__<stream>`, made on first use and refused (never changed) when one of
 * that name exists with other columns.
 *
 * - A stream with `primary_key`: `_connection text, _pk text, _synced_at timestamptz, record
 *   jsonb`, primary key `(_connection, _pk)`, upserted.
 * - A stream without: the same with `_id bigserial` first (the primary key) and `_pk` null,
 *   appended.
 */
import type pg from 'pg';
import { DestinationError } from '../errors.js';
import { quoteIdentifier } from '../secrets/postgres/migrations.js';

/** How a stream's rows are written. */
export type TableKind = 'upsert' | 'append';

/** A stream's table: its names, quoted and not. */
export interface StreamTable {
  kind: TableKind;
  schema: string;
  name: string;
  /** `"schema"."name"`. */
  quoted: string;
}

const COLUMNS: Record<TableKind, ReadonlyArray<readonly [string, string]>> = {
  upsert: [
    ['_connection', 'text'],
    ['_pk', 'text'],
    ['_synced_at', 'timestamptz'],
    ['record', 'jsonb'],
  ],
  append: [
    ['_id', 'bigint'],
    ['_connection', 'text'],
    ['_pk', 'text'],
    ['_synced_at', 'timestamptz'],
    ['record', 'jsonb'],
  ],
};

/** PostgreSQL's limit on a name, in bytes; longer names are cut, silently, by the server. */
const MAX_NAME_BYTES = 63;

/**
 * The table of `connector`'s `stream` in `schema`.
 * @throws DestinationError when the name would be longer than PostgreSQL keeps.
 */
export function streamTable(schema: string, connector: string, stream: string, kind: TableKind): StreamTable {
  const name = `${connector}__${stream}`;
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new DestinationError(`The table name ${name} for stream ${stream} is longer than the ${MAX_NAME_BYTES} bytes PostgreSQL keeps in a name.`, {
      hint: 'Rename the stream in the manifest, or shorten the connector name.',
    });
  }
  return { kind, schema, name, quoted: `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` };
}

/**
 * Makes the table when it is missing and checks the one that exists: the same columns, of the
 * same types, and for an upserted stream a unique index on `(_connection, _pk)`. Runs in its own
 * transaction under an advisory lock on the table's name, so workers starting at once make it once.
 * @throws DestinationError naming the table and its columns when it has another shape; nothing is changed then.
 */
export async function prepareTable(client: pg.ClientBase, table: StreamTable): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('connectors-destination'), hashtext($1))", [`${table.schema}.${table.name}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(table.schema)}`);
    const found = await readColumns(client, table);
    if (found.length === 0) {
      await client.query(createTableSql(table));
    } else {
      checkShape(table, found, await hasConflictTarget(client, table));
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function createTableSql(table: StreamTable): string {
  if (table.kind === 'upsert') {
    return `CREATE TABLE ${table.quoted} (_connection text NOT NULL, _pk text NOT NULL, _synced_at timestamptz NOT NULL, record jsonb NOT NULL, PRIMARY KEY (_connection, _pk))`;
  }
  return `CREATE TABLE ${table.quoted} (_id bigserial PRIMARY KEY, _connection text NOT NULL, _pk text, _synced_at timestamptz NOT NULL, record jsonb NOT NULL)`;
}

async function readColumns(client: pg.ClientBase, table: StreamTable): Promise<Array<[string, string]>> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table.quoted],
  );
  return rows.map((row) => [row.name, shortType(row.type)]);
}

/** True when a unique index covers exactly `(_connection, _pk)`, as `ON CONFLICT` needs. */
async function hasConflictTarget(client: pg.ClientBase, table: StreamTable): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_index i
      WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indnkeyatts = 2
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = ARRAY['_connection', '_pk']`,
    [table.quoted],
  );
  return (rows[0]?.n ?? 0) > 0;
}

function checkShape(table: StreamTable, found: Array<[string, string]>, conflictTarget: boolean): void {
  const expected = COLUMNS[table.kind];
  const same = found.length === expected.length && expected.every(([name, type]) => found.some(([n, t]) => n === name && t === type));
  if (same && (table.kind === 'append' || conflictTarget)) return;
  const list = (columns: ReadonlyArray<readonly [string, string]>) => columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const what = table.kind === 'upsert' ? 'a stream with primary_key' : 'a stream without primary_key';
  const why = same ? `has no unique key on (_connection, _pk), which ${what} is upserted on` : `has the columns ${list(found)}, not those of ${what} (${list(expected)})`;
  throw new DestinationError(`The table ${table.schema}.${table.name} already exists and ${why}; it was left as it is.`, {
    code: 'ERR_DESTINATION_TABLE',
    hint: 'Rename or drop that table yourself, or write to another schema (postgres?schema=NAME).',
  });
}

function shortType(type: string): string {
  return type === 'timestamp with time zone' ? 'timestamptz' : type;
}
