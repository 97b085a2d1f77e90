import { describe, expect, it } from 'vitest';
import { SecretStoreError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import { setSecretAndDiscardSession } from './store.js';

const ref = { connector: 'acme', connection: 'default' };
const session = { secrets: { oauth_refresh_token: 'rotated' }, savedAt: '2030-01-01T00:00:00.000Z' };

describe('MemoryStore', () => {
  it('keeps secrets and sessions per connection and copies them', async () => {
    const store = new MemoryStore();
    await store.setSecret(ref, 'client_id', 'id-1');
    await store.setSecret({ ...ref, connection: 'other' }, 'client_id', 'id-2');
    const secrets = await store.getSecrets(ref);
    secrets.client_id = 'changed';
    expect(await store.getSecrets(ref)).toEqual({ client_id: 'id-1' });
    await store.setSession(ref, session);
    expect(await store.getSession(ref)).toEqual(session);
    expect(await store.listConnections('acme')).toEqual(['default', 'other']);
    expect(await store.deleteSecret(ref, 'constructor')).toBe(false);
    expect(await store.deleteSecret(ref, 'client_id')).toBe(true);
    await store.setSession(ref, undefined);
    expect(await store.listConnections('acme')).toEqual(['other']);
  });

  it('refuses a __proto__ name', async () => {
    await expect(new MemoryStore().setSecret(ref, '__proto__', 'x')).rejects.toThrow(SecretStoreError);
  });
});

describe('setSecretAndDiscardSession', () => {
  it('discards a session that holds the name, so the new value is used', async () => {
    const store = new MemoryStore();
    await store.setSession(ref, session);
    expect(await setSecretAndDiscardSession(store, ref, 'oauth_refresh_token', 'new')).toEqual({ sessionDiscarded: true });
    expect(await store.getSession(ref)).toBeUndefined();
    expect(await store.getSecrets(ref)).toEqual({ oauth_refresh_token: 'new' });
  });

  it('keeps the session for an unrelated secret, and discards it for an injected name', async () => {
    const store = new MemoryStore();
    await store.setSession(ref, session);
    expect(await setSecretAndDiscardSession(store, ref, 'client_id', 'x')).toEqual({ sessionDiscarded: false });
    expect(await store.getSession(ref)).toEqual(session);
    expect(await setSecretAndDiscardSession(store, ref, 'oauth_access_token', 'y', ['oauth_access_token'])).toEqual({
      sessionDiscarded: true,
    });
  });
});
