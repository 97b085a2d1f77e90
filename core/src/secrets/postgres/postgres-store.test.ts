/**
 * The PostgreSQL store's own rules (DESIGN.md section 10) on a throwaway cluster, a database per
 * test: no secret in any column in any encoding, migrations under concurrency and a newer schema,
 * keys (wrong, previous, rekey), damaged and foreign rows, the row lock (released when its holder's
 * connection dies, bounded waiting), and the errors of an unreachable server or a user without
 * rights, none showing the password.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSecretForms } from '../../http/redact.js';
import { LockTimeoutError } from '../../sessions/lock.js';
import { startPostgresCluster, type PostgresCluster } from '../../testing/postgres-cluster.js';
import { SCHEMA_VERSION } from './migrations.js';
import { PostgresStore } from './postgres-store.js';
import { toRowKey, type RowKey } from './row-cipher.js';

let cluster: PostgresCluster;
let count = 0;
const opened: PostgresStore[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close().catch(() => undefined)));
  cluster?.stop();
});

async function freshDatabase(): Promise<{ name: string; url: string }> {
  count += 1;
  const name = `store_${count}`;
  return { name, url: await cluster.createDatabase(name) };
}

function open(url: string, key: RowKey, extra: Partial<ConstructorParameters<typeof PostgresStore>[0]> = {}): PostgresStore {
  const store = new PostgresStore({ url, key, ...extra });
  opened.push(store);
  return store;
}

const ref = { connector: 'acme', connection: 'default' };
/** Long values: a 30-character string cannot occur in random ciphertext by chance. */
const SECRET = 'sk_live_postgres_dump_secret_value_9f3a';
const REFRESH = 'rt_postgres_dump_refresh_token_value_77c1';
const COOKIE = 'cookie_value_postgres_dump_session_42ab';
const CALLER_DIGEST = 'c0ffee'.repeat(10) + 'abcd';

/** Every column of every table of the schema, as text (bytea as hex and as raw bytes). */
function dumpEverything(database: string): Promise<string> {
  return cluster.dumpSchema(database);
}

describe('PostgresStore', () => {
  it('holds no secret, token, cookie or caller digest in any column in any encoding', async () => {
    const { name, url } = await freshDatabase();
    const store = open(url, toRowKey(randomBytes(32)));
    await store.setSecret(ref, 'api_key', SECRET);
    await store.setSession(ref, { secrets: { oauth_refresh_token: REFRESH }, cookies: { cookies: [{ key: 'sid', value: COOKIE }] }, savedAt: new Date().toISOString() });
    await store.setState(ref, { bookmarks: { contacts: { cursor: SECRET } } });
    await store.putCaller({ name: 'etl', keySha256: CALLER_DIGEST, allow: ['*/*'], credentials: true, metrics: false, createdAt: new Date().toISOString() });
    const dump = await dumpEverything(name);
    expect(dump).toContain('api_key'); // the dump did read the rows
    for (const value of [SECRET, REFRESH, COOKIE, CALLER_DIGEST]) {
      for (const form of deriveSecretForms(value)) expect(dump.includes(form), `${form} in the dump`).toBe(false);
    }
    expect(await store.getState(ref)).toEqual({ bookmarks: { contacts: { cursor: SECRET } } });
  });

  it('six stores starting on an empty database at once all migrate it, once', async () => {
    const { name, url } = await freshDatabase();
    const key = toRowKey(randomBytes(32));
    const stores = Array.from({ length: 6 }, () => open(url, key));
    await Promise.all(stores.map((store, i) => store.setSecret({ connector: 'acme', connection: `c${i}` }, 'api_key', `value-${i}-of-six`)));
    expect(await stores[0]!.listConnections('acme')).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    const versions = await cluster.query<{ version: number }>(name, 'SELECT version FROM connectors.schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a schema newer than it knows, changing nothing', async () => {
    const { name, url } = await freshDatabase();
    const key = toRowKey(randomBytes(32));
    await open(url, key).setSecret(ref, 'api_key', SECRET);
    await cluster.query(name, "INSERT INTO connectors.schema_migrations (version, description) VALUES (999, 'from the future')");
    const newer = open(url, key);
    await expect(newer.getSecrets(ref)).rejects.toThrow(`The PostgreSQL schema connectors is at version 999, newer than this version of connectors knows (${SCHEMA_VERSION}); it is left untouched.`);
    expect((await cluster.query(name, 'SELECT count(*)::int AS n FROM connectors.secrets'))[0]).toEqual({ n: 1 });
  });

  it('a wrong key is an error naming the key id and nothing is overwritten; a previous key still opens; rekey moves every value to the current key', async () => {
    const { name, url } = await freshDatabase();
    const oldKey = toRowKey(randomBytes(32));
    const newKey = toRowKey(randomBytes(32));
    const writer = open(url, oldKey);
    await writer.setSecret(ref, 'api_key', SECRET);
    await writer.setSession(ref, { secrets: { oauth_refresh_token: REFRESH }, savedAt: new Date().toISOString() });
    await writer.setState(ref, { bookmarks: {} });
    await writer.putCaller({ name: 'etl', keySha256: CALLER_DIGEST, allow: ['*/*'], credentials: false, metrics: false, createdAt: new Date().toISOString() });
    const before = await dumpEverything(name);

    const wrong = open(url, newKey);
    await expect(wrong.getSecrets(ref)).rejects.toThrow(`The secret api_key of acme/default in the PostgreSQL store is encrypted with key ${oldKey.id}, which neither CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds; it is left untouched.`);
    await expect(wrong.rekey()).rejects.toThrow(oldKey.id);
    expect(await dumpEverything(name)).toBe(before); // rekey with a wrong key changed no row

    const rotated = open(url, newKey, { previousKeys: [oldKey] });
    expect(await rotated.getSecrets(ref)).toEqual({ api_key: SECRET });
    expect(await rotated.rekey()).toEqual({ secrets: 1, sessions: 1, states: 1, callers: 1 });
    const keyIds = await cluster.query<{ key_id: string }>(name, 'SELECT key_id FROM connectors.secrets UNION ALL SELECT key_id FROM connectors.sessions UNION ALL SELECT key_id FROM connectors.states UNION ALL SELECT key_id FROM connectors.callers');
    expect(new Set(keyIds.map((row) => row.key_id))).toEqual(new Set([newKey.id]));
    const onlyNew = open(url, newKey);
    expect(await onlyNew.getSecrets(ref)).toEqual({ api_key: SECRET });
    expect((await onlyNew.getSession(ref))?.secrets).toEqual({ oauth_refresh_token: REFRESH });
  });

  it('a truncated row or one copied from another row does not open, and is left as it is', async () => {
    const { name, url } = await freshDatabase();
    const key = toRowKey(randomBytes(32));
    const store = open(url, key);
    await store.setSecret(ref, 'api_key', SECRET);
    await store.setSecret(ref, 'client_id', 'client-id-value-abc');
    await cluster.query(name, "UPDATE connectors.secrets SET (iv, tag, data) = (SELECT iv, tag, data FROM connectors.secrets WHERE name = 'api_key') WHERE name = 'client_id'");
    await expect(store.getSecrets(ref)).rejects.toThrow(`The secret client_id of acme/default in the PostgreSQL store does not open with key ${key.id}: the row is damaged or was copied from another row; it is left untouched.`);
    await store.setSecret(ref, 'client_id', 'client-id-value-abc');
    await cluster.query(name, "UPDATE connectors.secrets SET data = substring(data from 1 for 5) WHERE name = 'api_key'");
    await expect(store.getSecrets(ref)).rejects.toThrow('The secret api_key of acme/default in the PostgreSQL store does not open');
    expect((await cluster.query<{ n: number }>(name, "SELECT length(data) AS n FROM connectors.secrets WHERE name = 'api_key'"))[0]!.n).toBe(5);
  });

  it('the connection lock is released at once when its holder\'s connection dies', async () => {
    const { name, url } = await freshDatabase();
    const key = toRowKey(randomBytes(32));
    const holder = open(url, key);
    const waiter = open(url, key);
    const { release, done } = await holdLock(holder);
    const holderDone = done.catch((error: unknown) => error);
    let waited = false;
    const waiting = waiter.withConnectionLock(ref, async () => {
      waited = true;
      await waiter.setSession(ref, { secrets: { oauth_refresh_token: REFRESH }, savedAt: new Date().toISOString() });
    });
    // the waiter is blocked on the row: its backend waits for a lock
    await waitUntil(async () => (await cluster.query<{ n: number }>(name, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = $1", [name]))[0]!.n === 1);
    expect(waited).toBe(false);
    // the holder's backend dies, as with a SIGKILL of its process
    await cluster.query(name, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state = 'idle in transaction'", [name]);
    await waiting;
    expect(waited).toBe(true);
    release();
    expect(await holderDone).toBeInstanceOf(Error);
    expect((await waiter.getSession(ref))?.secrets).toEqual({ oauth_refresh_token: REFRESH });
  });

  it('waiting for a held lock is bounded with one clear error', async () => {
    const { url } = await freshDatabase();
    const key = toRowKey(randomBytes(32));
    const holder = open(url, key);
    const impatient = open(url, key, { lockTimeoutMs: 300 });
    const { release, done: holderDone } = await holdLock(holder);
    const error = await impatient.withConnectionLock(ref, async () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toBe('Timed out waiting to take the lock of acme/default in the PostgreSQL store at 127.0.0.1:' + cluster.port + ': another process holds it.');
    release();
    await holderDone;
  });

  it('an unreachable server is one sentence naming the host and port, within the connect timeout, never the password', async () => {
    const port = await closedPort();
    const store = open(`postgres://connectors:${encodeURIComponent('hunter2-very-secret-pw')}@127.0.0.1:${port}/connectors`, toRowKey(randomBytes(32)), { connectTimeoutMs: 2000 });
    const started = Date.now();
    const error = (await store.getSecrets(ref).catch((caught: unknown) => caught)) as Error;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(error.message).toBe(`Cannot reach the PostgreSQL store at 127.0.0.1:${port} (ECONNREFUSED) to prepare the schema.`);
    expect(JSON.stringify({ message: error.message, hint: (error as { hint?: string }).hint })).not.toContain('hunter2');
  });

  it('a wrong password and a user without rights to create the schema are one sentence each', async () => {
    const { name } = await freshDatabase();
    const wrongPassword = open(cluster.url(name).replace(encodeURIComponent(cluster.password), 'not-the-password-xyz'), toRowKey(randomBytes(32)));
    const refused = (await wrongPassword.getSecrets(ref).catch((caught: unknown) => caught)) as Error;
    expect(refused.message).toBe(`The PostgreSQL store at 127.0.0.1:${cluster.port} refused the login of user postgres to prepare the schema (wrong password).`);
    expect(refused.message).not.toContain('not-the-password-xyz');

    await cluster.query(name, "CREATE ROLE reader LOGIN PASSWORD 'reader-password-123'");
    await cluster.query(name, `REVOKE CREATE ON DATABASE ${name} FROM PUBLIC`);
    const reader = open(`postgres://reader:reader-password-123@127.0.0.1:${cluster.port}/${name}`, toRowKey(randomBytes(32)));
    const denied = (await reader.getSecrets(ref).catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(denied.message).toBe(`The user reader may not create the schema connectors in database ${name} of the PostgreSQL store at 127.0.0.1:${cluster.port} (permission denied).`);
    expect(denied.hint).toBe('Create the schema connectors as its owner, or grant the user CREATE on the database.');
  });
});

/** Takes `store`'s lock of `ref` and holds it until `release()`; resolves once it is held. */
async function holdLock(store: PostgresStore): Promise<{ release: () => void; done: Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = store.withConnectionLock(ref, async () => {
    held();
    await released;
  });
  await Promise.race([holding, done]);
  return { release, done };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
