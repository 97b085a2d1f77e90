/**
 * The `postgres` destination (issue 13, DESIGN.md section 11) on a throwaway cluster, a database
 * per test: tables made on first use, upserts that never duplicate, appends, the state committed
 * in the batch's transaction (the store's database) or after it (another one), and a table of
 * another shape refused and kept.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError } from '../errors.js';
import { OPEN_SCHEMA } from '../output/output-writer.js';
import { describePgUrl } from '../secrets/postgres/describe-pg-error.js';
import { PostgresStore } from '../secrets/postgres/postgres-store.js';
import { toRowKey } from '../secrets/postgres/row-cipher.js';
import type { StateStore, StateValue } from '../streams/state.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { PostgresDestination, type PostgresDestinationOptions } from './postgres.js';

let cluster: PostgresCluster;
let count = 0;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
  cluster?.stop();
});

async function freshDatabase(): Promise<{ name: string; url: string }> {
  count += 1;
  const name = `dest_${count}`;
  return { name, url: await cluster.createDatabase(name) };
}

function destination(url: string, extra: Partial<PostgresDestinationOptions> = {}): PostgresDestination {
  return new PostgresDestination({
    url,
    target: describePgUrl(url, 'connectors_data'),
    schema: 'connectors_data',
    connector: 'acme',
    connection: 'default',
    description: 'postgres (test)',
    ...extra,
  });
}

const state = (cursor: number): StateValue => ({ bookmarks: { items: { cursor } } });
const items = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, name: `item ${from + i}` }));

function memoryStates(): StateStore & { saved: StateValue[] } {
  const saved: StateValue[] = [];
  return {
    saved,
    load: () => Promise.resolve(saved.at(-1)),
    save: (_connector, _connection, value) => {
      saved.push(value);
      return Promise.resolve();
    },
  };
}

describe('PostgresDestination', () => {
  it('makes the table on first use and upserts on (_connection, _pk): a second run never duplicates', async () => {
    const { name, url } = await freshDatabase();
    for (const run of [1, 2]) {
      const dest = destination(url);
      await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
      await dest.writeRecords('items', items(1, 30));
      await dest.writeRecords('items', [{ id: 7, name: `changed in run ${run}` }]);
      await dest.endStream('items');
      await dest.close(state(30));
    }
    const rows = await cluster.query<{ _connection: string; _pk: string; record: { id: number; name: string } }>(name, 'SELECT _connection, _pk, record FROM connectors_data.acme__items ORDER BY (record->>\'id\')::int');
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual({ _connection: 'default', _pk: '[1]', record: { id: 1, name: 'item 1' } });
    expect(rows[6]!.record.name).toBe('changed in run 2');
    const columns = await cluster.query<{ column_name: string; data_type: string }>(name, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'connectors_data' AND table_name = 'acme__items' ORDER BY ordinal_position");
    expect(columns).toEqual([
      { column_name: '_connection', data_type: 'text' },
      { column_name: '_pk', data_type: 'text' },
      { column_name: '_synced_at', data_type: 'timestamp with time zone' },
      { column_name: 'record', data_type: 'jsonb' },
    ]);
  });

  it('writes a composite key as the JSON list of its values, and keeps connections apart', async () => {
    const { name, url } = await freshDatabase();
    for (const connection of ['eu', 'us']) {
      const dest = destination(url, { connection });
      await dest.startStream({ name: 'pairs', schema: OPEN_SCHEMA, keyProperties: ['id', 'region.code'] });
      await dest.writeRecords('pairs', [{ id: 42, region: { code: 'eu' } }, { id: 42, region: { code: 'us' } }]);
      await dest.close(state(1));
    }
    const rows = await cluster.query<{ _connection: string; _pk: string }>(name, 'SELECT _connection, _pk FROM connectors_data.acme__pairs ORDER BY 1, 2');
    expect(rows).toEqual([
      { _connection: 'eu', _pk: '[42,"eu"]' },
      { _connection: 'eu', _pk: '[42,"us"]' },
      { _connection: 'us', _pk: '[42,"eu"]' },
      { _connection: 'us', _pk: '[42,"us"]' },
    ]);
  });

  it('appends the records of a stream without primary_key, in order, with a serial id and _pk null', async () => {
    const { name, url } = await freshDatabase();
    for (let run = 0; run < 2; run += 1) {
      const dest = destination(url);
      await dest.startStream({ name: 'events', schema: OPEN_SCHEMA, keyProperties: [] });
      await dest.writeRecords('events', items(1, 5));
      await dest.close(state(5));
    }
    const rows = await cluster.query<{ _id: string; _pk: string | null; id: number }>(name, "SELECT _id, _pk, (record->>'id')::int AS id FROM connectors_data.acme__events ORDER BY _id");
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    expect(rows.every((row) => row._pk === null)).toBe(true);
    expect(new Set(rows.map((row) => row._id)).size).toBe(10);
  });

  it('commits a checkpoint in the transaction of the batch it follows when the store keeps its states in this database', async () => {
    const { name, url } = await freshDatabase();
    const store = new PostgresStore({ url, key: toRowKey(randomBytes(32)) });
    stores.push(store);
    const dest = destination(url, { state: { inTransaction: store }, batchRecords: 10 });
    await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
    await dest.writeRecords('items', items(1, 6));
    await dest.writeState(state(6)); // waits for the next batch
    expect(await store.getState({ connector: 'acme', connection: 'default' })).toBeUndefined();
    await dest.writeRecords('items', items(7, 12)); // 12 >= 10: a batch, with the checkpoint before these records
    expect(await store.getState({ connector: 'acme', connection: 'default' })).toEqual(state(6));
    expect((await cluster.query(name, 'SELECT 1 FROM connectors_data.acme__items'))).toHaveLength(12);
    await dest.saveState(state(12));
    expect(await store.getState({ connector: 'acme', connection: 'default' })).toEqual(state(12));
    await dest.close(state(12));
  });

  it('rolls the state back with a batch that fails', async () => {
    const { name, url } = await freshDatabase();
    const store = new PostgresStore({ url, key: toRowKey(randomBytes(32)) });
    stores.push(store);
    const dest = destination(url, { state: { inTransaction: store } });
    await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
    await dest.writeRecords('items', [{ id: 1, text: 'fine' }, { id: 2, text: 'jsonb refuses \u0000' }]);
    const error = await dest.saveState(state(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toMatch(/^The PostgreSQL destination at 127\.0\.0\.1:\d+ failed to write a batch of records/);
    expect((error as Error).message).not.toContain(cluster.password);
    expect(await store.getState({ connector: 'acme', connection: 'default' })).toBeUndefined();
    expect(await cluster.query(name, 'SELECT 1 FROM connectors_data.acme__items')).toHaveLength(0);
    await dest.close(state(2)).catch(() => undefined);
  });

  it('saves the state after the batch commits when the states live elsewhere, and saves no state without a store', async () => {
    const { name, url } = await freshDatabase();
    const states = memoryStates();
    const dest = destination(url, { state: { after: states } });
    await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
    await dest.writeRecords('items', items(1, 3));
    await dest.saveState(state(3));
    expect(states.saved).toEqual([state(3)]);
    await dest.close(state(3));
    expect(states.saved).toEqual([state(3)]); // not twice

    const sample = destination(url);
    await sample.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
    await sample.writeRecords('items', items(4, 5));
    await sample.writeState(state(5));
    await sample.saveState(state(5));
    await sample.close(state(5));
    expect(await cluster.query(name, 'SELECT 1 FROM connectors_data.acme__items')).toHaveLength(5);
  });

  it('refuses a table of that name with other columns in one sentence, and leaves it as it is', async () => {
    const { name, url } = await freshDatabase();
    await cluster.query(name, 'CREATE SCHEMA connectors_data');
    await cluster.query(name, 'CREATE TABLE connectors_data.acme__items (id integer PRIMARY KEY, payload text)');
    await cluster.query(name, "INSERT INTO connectors_data.acme__items VALUES (1, 'keep me')");
    const dest = destination(url);
    const error = await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).exitCode).toBe(1);
    expect((error as Error).message).toBe(
      'The table connectors_data.acme__items already exists and has the columns id integer, payload text, not those of a stream with primary_key (_connection text, _pk text, _synced_at timestamptz, record jsonb); it was left as it is.',
    );
    await dest.close(state(0));
    expect(await cluster.query(name, 'SELECT id, payload FROM connectors_data.acme__items')).toEqual([{ id: 1, payload: 'keep me' }]);

    // the same columns without the key an upsert needs
    await cluster.query(name, 'CREATE TABLE connectors_data.acme__loose (_connection text, _pk text, _synced_at timestamptz, record jsonb)');
    const loose = destination(url);
    await expect(loose.startStream({ name: 'loose', schema: OPEN_SCHEMA, keyProperties: ['id'] })).rejects.toThrow(/has no unique key on \(_connection, _pk\)/);
    await loose.close(state(0));
    // an append table for a stream that has a primary key now
    const append = destination(url);
    await append.startStream({ name: 'events', schema: OPEN_SCHEMA, keyProperties: [] });
    await append.close(state(0));
    const keyed = destination(url);
    await expect(keyed.startStream({ name: 'events', schema: OPEN_SCHEMA, keyProperties: ['id'] })).rejects.toThrow(/has the columns _id bigint, _connection text/);
    await keyed.close(state(0));
  });

  it('refuses a record without its primary key value and a table name PostgreSQL would cut', async () => {
    const { url } = await freshDatabase();
    const dest = destination(url);
    await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
    await expect(dest.writeRecords('items', [{ name: 'no id' }])).rejects.toThrow('A record of stream items has no value for its primary key id, so it cannot be upserted.');
    await dest.close(state(0));
    await expect(destination(url).startStream({ name: 'x'.repeat(60), schema: OPEN_SCHEMA, keyProperties: [] })).rejects.toThrow(/longer than the 63 bytes/);
  });

  it('creates one table when several writers start at once', async () => {
    const { name, url } = await freshDatabase();
    const dests = Array.from({ length: 6 }, (_, i) => destination(url, { connection: `c${i}` }));
    await Promise.all(dests.map((dest) => dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] })));
    await Promise.all(dests.map(async (dest) => {
      await dest.writeRecords('items', items(1, 10));
      await dest.close(state(10));
    }));
    expect(await cluster.query(name, 'SELECT 1 FROM connectors_data.acme__items')).toHaveLength(60);
  });

  it('says which server it cannot reach, without the password', async () => {
    const url = `postgres://postgres:${cluster.password}@127.0.0.1:1/nothing`;
    const dest = destination(url);
    const error = await dest.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toBe('Cannot reach the PostgreSQL destination at 127.0.0.1:1 (ECONNREFUSED) to connect.');
    await dest.close(state(0));
  });
});
