/**
 * Every built-in store passes the SecretStore conformance suite that store plugins run too: the
 * memory store, the file store in a temp folder, the PostgreSQL store on a throwaway cluster (a
 * database per test), the command store on a shell-script password manager, and a plugin's store
 * loaded from its package as `connectors` loads it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlugin } from '../auth/plugins.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { describeSecretStoreConformance } from '../testing/secret-store-conformance.js';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.js';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';
import { writeFakeVault } from './command/__fixtures__/fake-vault.js';
import { openSecretStore } from './open-secret-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SecretStoreTypeRegistry } from './store-type-registry.js';
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

describeSecretStoreConformance('command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'connectors-conformance-command-'));
  const env = { ...process.env, CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };
  const open = () => openSecretStore({ type: 'command', ...writeFakeVault(join(dir, 'vault')) }, { home: join(dir, 'home'), env, configDir: dir });
  return {
    store: open(),
    reopen: async () => open(),
    readsByName: true,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeSecretStoreConformance('a plugin\'s store (fixture json-file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'connectors-conformance-plugin-'));
  const types = new SecretStoreTypeRegistry();
  await loadPlugin('./json-store', join(fileURLToPath(import.meta.url), '..', '..', 'plugins', '__fixtures__'), createBuiltInRegistry(), 'config', types);
  const open = () => openSecretStore({ type: 'json-file', file: 'data/store.json' }, { home: dir, env: {}, configDir: dir, types });
  return {
    store: open(),
    reopen: async () => open(),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
