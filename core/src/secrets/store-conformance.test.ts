/**
 * Every built-in store passes the SecretStore conformance suite that store plugins run too: the
 * memory store, the file store in a temp folder, and the PostgreSQL store on a throwaway cluster
 * (a database per test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { describeSecretStoreConformance } from '../testing/secret-store-conformance.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { toRowKey } from './postgres/row-cipher.js';

let cluster: PostgresCluster;
let databases = 0;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(() => cluster?.stop());

describeSecretStoreConformance('memory', async () => ({ store: new MemoryStore() }));

describeSecretStoreConformance('file', async () => {
  const home = mkdtempSync(join(tmpdir(), 'connectors-conformance-'));
  const env = { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };
  return {
    store: new FileStore({ home, env }),
    reopen: async () => new FileStore({ home, env }),
    cleanup: async () => rmSync(home, { recursive: true, force: true }),
  };
});

describeSecretStoreConformance('postgres', async () => {
  databases += 1;
  const url = await cluster.createDatabase(`conformance_${databases}`);
  const key = toRowKey(randomBytes(32));
  const opened: PostgresStore[] = [];
  const open = () => {
    const store = new PostgresStore({ url, key });
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
    },
  };
});
