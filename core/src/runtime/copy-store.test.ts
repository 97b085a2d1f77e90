/**
 * copyStoreContents (`connectors store copy`, DESIGN.md section 10 "Moving up"): memory and file
 * stores, and a round trip file -> PostgreSQL (a real throwaway cluster) -> file that loses and
 * changes nothing; idempotence, the source winning over a different value, what only the
 * destination holds left alone, and a source that cannot be listed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorsError } from '../errors.js';
import { FileStore } from '../secrets/file-store.js';
import { MemoryStore } from '../secrets/memory-store.js';
import { PostgresStore } from '../secrets/postgres/postgres-store.js';
import { toRowKey } from '../secrets/postgres/row-cipher.js';
import type { ConnectionRef, SecretStore, StoredCaller, StoredSession } from '../secrets/store.js';
import { stateStoreFor } from '../streams/secret-store-states.js';
import { createEmptyState, FileStateStore, setStreamCursor } from '../streams/state.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { copyStoreContents, describeCopy, type CopyCounts } from './copy-store.js';
import type { StoreContents } from './copy-target.js';

let cluster: PostgresCluster;
let databases = 0;
const folders: string[] = [];
const pools: PostgresStore[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((store) => store.close().catch(() => undefined)));
  cluster?.stop();
});
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const acme: ConnectionRef = { connector: 'acme', connection: 'default' };
const acmeEu: ConnectionRef = { connector: 'acme', connection: 'eu-office' };
const stateOnly: ConnectionRef = { connector: 'public-api', connection: 'default' };
const SECRET = 'sk_copy_test_client_secret_value_71d2';
const REFRESH = 'rt_copy_test_refresh_token_value_0c9e';

function session(token: string): StoredSession {
  return {
    secrets: { oauth_access_token: token, oauth_refresh_token: REFRESH },
    expiresAt: '2031-01-01T00:00:00.000Z',
    values: { instance_url: 'https://eu1.example.com', nested: { list: [1, 'two', null] } },
    cookies: { cookies: [{ key: 'sid', value: 'cookie-value' }] },
    savedAt: '2030-12-31T23:00:01.000Z',
    credentials: 'sha256:abc',
  };
}

const caller: StoredCaller = { name: 'etl', keySha256: 'b'.repeat(64), allow: ['acme/*'], credentials: true, metrics: false, createdAt: '2030-01-01T00:00:00.000Z' };

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'connectors-copy-'));
  folders.push(path);
  return path;
}

function fileContents(home: string, key = randomBytes(32).toString('base64')): StoreContents & { key: string } {
  const store = new FileStore({ home, env: { CONNECTORS_SECRET_KEY: key } });
  return { store, states: stateStoreFor(store, home), key };
}

/** A memory store with its states in a folder, as a project's file-store states are. */
function memoryContents(): StoreContents {
  return { store: new MemoryStore(), states: new FileStateStore(folder()) };
}

async function postgresContents(schema?: string): Promise<StoreContents & { store: PostgresStore }> {
  databases += 1;
  const url = await cluster.createDatabase(`copy_${databases}`);
  const store = new PostgresStore({ url, schema, key: toRowKey(randomBytes(32)) });
  pools.push(store);
  return { store, states: stateStoreFor(store, '') };
}

/** Two connections of acme with secrets, one with a session; a state-only connector; a caller. */
async function fill(contents: StoreContents): Promise<void> {
  await contents.store.setSecret(acme, 'client_id', 'id-acme');
  await contents.store.setSecret(acme, 'client_secret', SECRET);
  await contents.store.setSecret(acmeEu, 'client_id', 'id-eu');
  await contents.store.setSession(acme, session('at_first'));
  await contents.states.save(acme.connector, acme.connection, setStreamCursor(createEmptyState(), 'contacts', '2030-01-01'));
  await contents.states.save(stateOnly.connector, stateOnly.connection, setStreamCursor(createEmptyState(), 'items', 42));
  await contents.store.putCaller(caller);
}

/** Everything a store and its states hold, as plain data, for comparing two stores. */
async function snapshot(contents: StoreContents): Promise<unknown> {
  const store = contents.store as SecretStore & Required<Pick<SecretStore, 'listConnectors'>>;
  const connections: Record<string, unknown> = {};
  for (const connector of await store.listConnectors()) {
    for (const connection of await store.listConnections(connector)) {
      const ref = { connector, connection };
      connections[`${connector}/${connection}`] = { secrets: await store.getSecrets(ref), session: await store.getSession(ref) };
    }
  }
  const states: Record<string, unknown> = {};
  for (const ref of await contents.states.list!()) states[`${ref.connector}/${ref.connection}`] = await contents.states.load(ref.connector, ref.connection);
  return { connections, states, callers: await store.listCallers() };
}

const ALL_NEW: CopyCounts = { secrets: 3, sessions: 1, states: 2, callers: 1, alreadyThere: 0, overwritten: 0 };
const ALL_THERE: CopyCounts = { secrets: 0, sessions: 0, states: 0, callers: 0, alreadyThere: 7, overwritten: 0 };

describe('copyStoreContents', () => {
  it('memory -> file: copies every secret, session, state and caller; a second run writes nothing', async () => {
    const from = memoryContents();
    await fill(from);
    const to = fileContents(folder());
    expect(await copyStoreContents(from, to)).toEqual(ALL_NEW);
    expect(await snapshot(to)).toEqual(await snapshot(from));
    const written = (to.store as FileStore).path;
    const before = statSync(written);
    expect(await copyStoreContents(from, to)).toEqual(ALL_THERE);
    const after = statSync(written);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]); // not rewritten (a write renames a new file in)
    expect(await snapshot(to)).toEqual(await snapshot(from));
  });

  it('the source wins over a different value; what only the destination holds is left alone', async () => {
    const from = memoryContents();
    await fill(from);
    const to = fileContents(folder());
    await to.store.setSecret(acme, 'client_secret', 'an older value');
    await to.store.setSecret(acme, 'client_id', 'id-acme'); // identical
    await to.store.setSession(acme, session('at_stale'));
    await to.store.putCaller({ ...caller, allow: ['*/*'] });
    await to.store.setSecret({ connector: 'kept', connection: 'default' }, 'api_key', 'only at the destination');
    await to.states.save('kept', 'default', createEmptyState());
    expect(await copyStoreContents(from, to)).toEqual({ secrets: 2, sessions: 1, states: 2, callers: 1, alreadyThere: 1, overwritten: 3 });
    expect(await to.store.getSecrets(acme)).toEqual({ client_id: 'id-acme', client_secret: SECRET });
    expect(await to.store.getSession(acme)).toEqual(session('at_first'));
    expect(await to.store.listCallers()).toEqual([caller]);
    expect(await to.store.getSecrets({ connector: 'kept', connection: 'default' })).toEqual({ api_key: 'only at the destination' });
    expect(await to.states.load('kept', 'default')).toEqual(createEmptyState());
  });

  it('file -> postgres -> file: the round trip holds exactly what the source held, each copy idempotent', async () => {
    const source = fileContents(folder());
    await fill(source);
    const database = await postgresContents('moved');
    expect(await copyStoreContents(source, database)).toEqual(ALL_NEW);
    expect(await database.store.listStates()).toEqual([acme, stateOnly]);
    expect(await copyStoreContents(source, database)).toEqual(ALL_THERE);
    const back = fileContents(folder()); // another key: every value is opened with one key and sealed with the other
    expect(await copyStoreContents(database, back)).toEqual(ALL_NEW);
    expect(await copyStoreContents(database, back)).toEqual(ALL_THERE);
    expect(await snapshot(back)).toEqual(await snapshot(source));
    expect(await snapshot(database)).toEqual(await snapshot(source));
  });

  it('tells addSecret every secret value it copies, session secrets included', async () => {
    const from = memoryContents();
    await fill(from);
    const told = new Set<string>();
    await copyStoreContents(from, fileContents(folder()), { addSecret: (value) => told.add(value) });
    for (const value of ['id-acme', SECRET, 'id-eu', 'at_first', REFRESH]) expect(told.has(value), value).toBe(true);
  });

  it('refuses, before writing anything, a source store that cannot list its connectors', async () => {
    const memory = new MemoryStore();
    await memory.setSecret(acme, 'client_id', 'id-acme');
    const unlisted: SecretStore = Object.assign(Object.create(memory) as SecretStore, { listConnectors: undefined });
    const to = fileContents(folder());
    const copying = copyStoreContents({ store: unlisted, states: new FileStateStore(folder()) }, to);
    await expect(copying).rejects.toThrow(ConnectorsError);
    await expect(copying).rejects.toThrow("The project's secret store cannot be listed (it has no listConnectors), so store copy cannot find what to copy.");
    expect(await to.store.listConnectors!()).toEqual([]);
  });
});

describe('describeCopy', () => {
  it('one line of counts, singular and plural, with what was already there and overwritten', () => {
    expect(describeCopy({ ...ALL_NEW, secrets: 4, sessions: 2, states: 1, alreadyThere: 3, destination: 'schema connectors of postgres://app@db.example:5432/app' })).toBe(
      'Copied 4 secrets, 2 sessions, 1 state and 1 caller to schema connectors of postgres://app@db.example:5432/app (3 already there).',
    );
    expect(describeCopy({ ...ALL_THERE, destination: 'the file store in /srv/store' })).toBe(
      'Copied 0 secrets, 0 sessions, 0 states and 0 callers to the file store in /srv/store (7 already there).',
    );
    expect(describeCopy({ ...ALL_NEW, overwritten: 2, callers: 2, destination: 'X' })).toBe('Copied 3 secrets, 1 session, 2 states and 2 callers to X (0 already there, 2 overwritten).');
  });
});
