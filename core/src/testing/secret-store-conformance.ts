/**
 * The conformance suite of the {@link SecretStore} contract (DESIGN.md section 10, "Store plugins"):
 * what every store (file, PostgreSQL, a plugin's) must do, as vitest tests. A store plugin's author
 * runs it against their store:
 *
 * ```ts
 * import { describeSecretStoreConformance } from '@connectors/core/testing';
 * describeSecretStoreConformance('my store', async () => ({ store: new MyStore(...), cleanup: async () => {} }));
 * ```
 *
 * `open` is called once per test and must give an empty store; `reopen` (optional) gives a second
 * instance on the same data, as another process would see it. `getSecrets` is always asked for
 * the names the test expects, so a store that reads one name at a time (the command store) passes
 * too; such a store sets `readsByName`, and its `listConnections` is checked with sessions only.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionRef, SecretStore, StoredCaller, StoredSession } from '../secrets/store.js';

/** A store under test and how to remove what it made. */
export interface StoreUnderTest {
  store: SecretStore;
  /** Another instance on the same data (another process's view); default: `store` itself. */
  reopen?: () => Promise<SecretStore>;
  cleanup?: () => Promise<void>;
  /** The store cannot list its secrets (like the command store): `listConnections` reflects sessions only. */
  readsByName?: boolean;
}

const acme: ConnectionRef = { connector: 'acme', connection: 'default' };
const other: ConnectionRef = { connector: 'acme', connection: 'eu-office' };
const beta: ConnectionRef = { connector: 'beta', connection: 'default' };
/** Every secret name the tests store: what they ask `getSecrets` for. */
const NAMES = ['client_id', 'client_secret', 'api_key', 'never-stored', ...Array.from({ length: 20 }, (_, i) => `secret_${String(i).padStart(2, '0')}`)];

function sessionOf(token: string): StoredSession {
  return {
    secrets: { oauth_access_token: token, oauth_refresh_token: `${token}-refresh` },
    expiresAt: '2031-01-01T00:00:00.000Z',
    issuedAt: '2030-12-31T23:00:00.000Z',
    values: { instance_url: 'https://eu1.example.com', nested: { list: [1, 'two', null] } },
    cookies: { version: 'tough-cookie@4', cookies: [{ key: 'sid', value: 'cookie-value' }] },
    savedAt: '2030-12-31T23:00:01.000Z',
    credentials: 'sha256:abc',
  };
}

function callerOf(name: string): StoredCaller {
  return { name, keySha256: 'a'.repeat(64), allow: ['acme/*'], credentials: false, metrics: true, createdAt: '2030-01-01T00:00:00.000Z' };
}

/** Registers the conformance tests of one store. */
export function describeSecretStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  const withStore = (test: (subject: StoreUnderTest) => Promise<void>) => async () => {
    const subject = await open();
    try {
      await test(subject);
    } finally {
      await subject.cleanup?.();
    }
  };

  describe(`SecretStore conformance: ${name}`, () => {
    it('starts empty', withStore(async ({ store }) => {
      expect(await store.getSecrets(acme, NAMES)).toEqual({});
      expect(await store.getSession(acme)).toBeUndefined();
      expect(await store.listConnections('acme')).toEqual([]);
      expect(await store.listCallers()).toEqual([]);
    }));

    it('keeps secrets per connection, replaces and deletes them', withStore(async ({ store, reopen, readsByName }) => {
      await store.setSecret(acme, 'client_id', 'id-acme');
      await store.setSecret(acme, 'client_secret', 'first secret value');
      await store.setSecret(acme, 'client_secret', 'second secret value with spaces and ünïcode\nand a newline');
      await store.setSecret(other, 'client_id', 'id-other');
      await store.setSecret(beta, 'api_key', 'beta-key');
      const again = reopen ? await reopen() : store;
      expect(await again.getSecrets(acme, NAMES)).toEqual({ client_id: 'id-acme', client_secret: 'second secret value with spaces and ünïcode\nand a newline' });
      expect(await again.getSecrets(other, NAMES)).toEqual({ client_id: 'id-other' });
      expect(await again.getSecrets(beta, NAMES)).toEqual({ api_key: 'beta-key' });
      if (!readsByName) {
        expect(await again.listConnections('acme')).toEqual(['default', 'eu-office']);
        expect(await again.listConnections('beta')).toEqual(['default']);
      }
      expect(await store.deleteSecret(acme, 'client_id')).toBe(true);
      expect(await store.deleteSecret(acme, 'client_id')).toBe(false);
      expect(await store.deleteSecret(acme, 'never-stored')).toBe(false);
      expect(await store.getSecrets(acme, NAMES)).toEqual({ client_secret: 'second secret value with spaces and ünïcode\nand a newline' });
    }));

    it('returns copies: changing what it returned changes nothing stored', withStore(async ({ store }) => {
      await store.setSecret(acme, 'client_id', 'id-acme');
      const secrets = await store.getSecrets(acme, NAMES);
      secrets.client_id = 'changed';
      expect(await store.getSecrets(acme, NAMES)).toEqual({ client_id: 'id-acme' });
    }));

    it('keeps a session whole (secrets, times, values, cookies) and discards it', withStore(async ({ store, reopen }) => {
      await store.setSession(acme, sessionOf('first'));
      await store.setSession(acme, sessionOf('second'));
      const again = reopen ? await reopen() : store;
      expect(await again.getSession(acme)).toEqual(sessionOf('second'));
      expect(await again.getSession(other)).toBeUndefined();
      expect(await again.listConnections('acme')).toEqual(['default']);
      await store.setSession(acme, undefined);
      expect(await store.getSession(acme)).toBeUndefined();
      expect(await store.listConnections('acme')).toEqual([]);
      await store.setSession(acme, undefined); // discarding nothing is fine
    }));

    it('keeps the callers of serve, sorted, replaced by name', withStore(async ({ store }) => {
      await store.putCaller(callerOf('reporting'));
      await store.putCaller(callerOf('etl'));
      await store.putCaller({ ...callerOf('reporting'), allow: ['*/*'], credentials: true });
      expect(await store.listCallers()).toEqual([callerOf('etl'), { ...callerOf('reporting'), allow: ['*/*'], credentials: true }]);
      expect(await store.deleteCaller('etl')).toBe(true);
      expect(await store.deleteCaller('etl')).toBe(false);
      expect((await store.listCallers()).map((caller) => caller.name)).toEqual(['reporting']);
    }));

    it('refuses names it cannot hold with an error, storing nothing', withStore(async ({ store }) => {
      await expect(store.setSecret(acme, '__proto__', 'x')).rejects.toThrow();
      await expect(store.setSecret({ connector: '', connection: 'default' }, 'a', 'x')).rejects.toThrow();
      expect(await store.getSecrets(acme, NAMES)).toEqual({});
    }));

    it('loses no update when many writes run at once', withStore(async ({ store }) => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.setSecret(acme, `secret_${String(i).padStart(2, '0')}`, `value-${i}`)));
      const secrets = await store.getSecrets(acme, NAMES);
      expect(Object.keys(secrets).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `secret_${String(i).padStart(2, '0')}`));
    }));

    it('when it lists its connectors: those holding a secret, a session or a state, sorted, once each', withStore(async ({ store, reopen }) => {
      if (!store.listConnectors) return; // optional: only `connectors store copy` needs it
      expect(await store.listConnectors()).toEqual([]);
      await store.setSecret(beta, 'api_key', 'beta-key');
      await store.setSecret(other, 'client_id', 'id-other');
      await store.setSession(acme, sessionOf('listed'));
      await store.putCaller(callerOf('etl')); // a caller belongs to no connector
      if (store.setState) await store.setState({ connector: 'gamma', connection: 'default' }, { bookmarks: {} });
      const again = reopen ? await reopen() : store;
      expect(await again.listConnectors!()).toEqual(store.setState ? ['acme', 'beta', 'gamma'] : ['acme', 'beta']);
      if (again.listStates) expect(await again.listStates()).toEqual([{ connector: 'gamma', connection: 'default' }]);
      await store.deleteSecret(beta, 'api_key');
      await store.setSession(acme, undefined);
      expect(await store.listConnectors()).toEqual(store.setState ? ['acme', 'gamma'] : ['acme']);
    }));

    it('when it has its own connection lock: holders of one connection take turns, other connections do not wait', withStore(async ({ store }) => {
      if (!store.withConnectionLock) return; // the SessionManager's lock file serves this store
      const lock = store.withConnectionLock.bind(store);
      let holding = 0;
      let most = 0;
      const hold = (label: string, ms: number) =>
        lock(acme, async () => {
          holding += 1;
          most = Math.max(most, holding);
          await new Promise((resolve) => setTimeout(resolve, ms));
          await store.setSession(acme, sessionOf(label));
          holding -= 1;
          return label;
        });
      const [first, second] = await Promise.all([hold('a', 100), hold('b', 10)]);
      expect(most).toBe(1);
      expect([first, second]).toEqual(['a', 'b']);
      // what the last holder stored is what everyone reads
      const last = (await store.getSession(acme))?.secrets.oauth_access_token;
      expect(['a', 'b']).toContain(last);
      // inside acme's lock, beta's lock is granted (it would never be if all locks were one)
      await lock(acme, () => lock(beta, async () => store.setSession(beta, sessionOf('beta'))));
      expect((await store.getSession(beta))?.secrets.oauth_access_token).toBe('beta');
      // a failure inside the lock reaches the caller, and the lock is free again
      await expect(lock(acme, async () => Promise.reject(new Error('renewal failed')))).rejects.toThrow('renewal failed');
      expect(await lock(acme, async () => 'free')).toBe('free');
    }));
  });
}
