import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import { MissingSecretError } from './missing-secret-error.js';
import { assertNoMissingSecrets, describeSecrets, resolveSecrets } from './resolve.js';

const tripletex = {
  requiredSecrets: [{ name: 'consumer_key', aliases: ['consumer_token'] }, { name: 'employee_token' }],
  injectedSecrets: [{ name: 'consumer_key' }, { name: 'employee_token' }, { name: 'session_token' }],
};
const oauth2 = {
  requiredSecrets: [{ name: 'client_id' }, { name: 'client_secret' }],
  injectedSecrets: [{ name: 'oauth_access_token' }, { name: 'oauth_refresh_token' }],
};
const ref = { connector: 'tripletex', connection: 'default' };

describe('resolveSecrets', () => {
  it('takes the environment first, then the store', async () => {
    const store = new MemoryStore();
    await store.setSecret(ref, 'consumer_key', 'stored-ck');
    await store.setSecret(ref, 'employee_token', 'stored-et');
    const env = { CONNECTORS_SECRET_TRIPLETEX_EMPLOYEE_TOKEN: 'env-et' };
    const resolved = await resolveSecrets({ connector: 'tripletex', scheme: tripletex, store, env });
    expect(resolved.secrets).toEqual({ consumer_key: 'stored-ck', employee_token: 'env-et' });
    expect(resolved.sources).toEqual({ consumer_key: 'store', employee_token: 'env' });
    expect(resolved.missing).toEqual([]);
  });

  it('resolves aliases to the spec name, from the environment and from the store', async () => {
    const store = new MemoryStore();
    await store.setSecret(ref, 'consumer_token', 'stored-alias');
    await store.setSecret(ref, 'employee_token', 'et');
    const fromStore = await resolveSecrets({ connector: 'tripletex', scheme: tripletex, store, env: {} });
    expect(fromStore.secrets).toEqual({ consumer_key: 'stored-alias', employee_token: 'et' });
    const env = { CONNECTORS_SECRET_TRIPLETEX_CONSUMER_TOKEN: 'env-alias' };
    const fromEnv = await resolveSecrets({ connector: 'tripletex', scheme: tripletex, store, env });
    expect(fromEnv.secrets.consumer_key).toBe('env-alias');
    expect(fromEnv.secrets).not.toHaveProperty('consumer_token');
  });

  it('lists missing required secrets with their env var; optional and empty ones count as unset', async () => {
    const store = new MemoryStore();
    const env = { CONNECTORS_SECRET_TRIPLETEX_EMPLOYEE_TOKEN: '' };
    const resolved = await resolveSecrets({
      connector: 'tripletex',
      scheme: tripletex,
      declared: [{ name: 'webhook_secret', optional: true }, { name: 'extra' }],
      store,
      env,
    });
    expect(resolved.missing).toEqual([
      { name: 'consumer_key', env: 'CONNECTORS_SECRET_TRIPLETEX_CONSUMER_KEY' },
      { name: 'employee_token', env: 'CONNECTORS_SECRET_TRIPLETEX_EMPLOYEE_TOKEN' },
      { name: 'extra', env: 'CONNECTORS_SECRET_TRIPLETEX_EXTRA' },
    ]);
  });

  it('passes other stored secrets and injected names from the environment as seeds', async () => {
    const store = new MemoryStore();
    const acme = { connector: 'acme', connection: 'default' };
    await store.setSecret(acme, 'client_id', 'id');
    await store.setSecret(acme, 'client_secret', 'secret');
    await store.setSecret(acme, 'oauth_refresh_token', 'stored-seed');
    await store.setSecret({ connector: 'acme', connection: 'other' }, 'leak', 'never');
    await store.setSecret({ connector: 'other', connection: 'default' }, 'leak2', 'never');
    const env = { CONNECTORS_SECRET_ACME_OAUTH_ACCESS_TOKEN: 'env-seed', CONNECTORS_SECRET_OTHER_LEAK2: 'never' };
    const resolved = await resolveSecrets({ connector: 'acme', scheme: oauth2, store, env });
    expect(resolved.secrets).toEqual({
      client_id: 'id',
      client_secret: 'secret',
      oauth_refresh_token: 'stored-seed',
      oauth_access_token: 'env-seed',
    });
    expect(resolved.sources.oauth_access_token).toBe('env');
  });

  it('reads the connection it is given', async () => {
    const store = new MemoryStore();
    await store.setSecret({ connector: 'acme', connection: 'eu' }, 'client_id', 'eu-id');
    const resolved = await resolveSecrets({ connector: 'acme', connection: 'eu', scheme: oauth2, store, env: {} });
    expect(resolved.secrets).toEqual({ client_id: 'eu-id' });
  });
});

describe('assertNoMissingSecrets', () => {
  it('throws an AuthError naming the secret, its env var and the command', async () => {
    const resolved = await resolveSecrets({ connector: 'acme', scheme: oauth2, store: new MemoryStore(), env: { CONNECTORS_SECRET_ACME_CLIENT_ID: 'x' } });
    const error = (() => {
      try {
        assertNoMissingSecrets(resolved, 'acme', 'eu');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingSecretError);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      'The secret "client_secret" of acme is missing: set CONNECTORS_SECRET_ACME_CLIENT_SECRET or run "connectors secrets set acme client_secret --connection eu".',
    );
  });

  it('names every missing secret, and passes when none is', async () => {
    const store = new MemoryStore();
    const resolved = await resolveSecrets({ connector: 'acme', scheme: oauth2, store, env: {} });
    expect(() => assertNoMissingSecrets(resolved, 'acme')).toThrow(/"client_id" \(CONNECTORS_SECRET_ACME_CLIENT_ID\), "client_secret"/);
    await store.setSecret({ connector: 'acme', connection: 'default' }, 'client_id', 'a');
    await store.setSecret({ connector: 'acme', connection: 'default' }, 'client_secret', 'b');
    const complete = await resolveSecrets({ connector: 'acme', scheme: oauth2, store, env: {} });
    expect(() => assertNoMissingSecrets(complete, 'acme')).not.toThrow();
  });
});

describe('describeSecrets', () => {
  it('lists required, session, other stored and env-seeded secrets, never a value', async () => {
    const store = new MemoryStore();
    const acme = { connector: 'acme', connection: 'default' };
    await store.setSecret(acme, 'client_id', 'the-id');
    await store.setSecret(acme, 'oauth_refresh_token', 'seed-value');
    await store.setSecret(acme, 'note', 'n');
    await store.setSession(acme, {
      secrets: { oauth_access_token: 'at-value', oauth_refresh_token: 'rt-value' },
      expiresAt: '2030-01-01T00:00:00.000Z',
      savedAt: '2029-12-31T23:00:00.000Z',
    });
    const env = { CONNECTORS_SECRET_ACME_CLIENT_ID: 'env-id', CONNECTORS_SECRET_ACME_NOTE: 'env-note' };
    const entries = await describeSecrets({ connector: 'acme', scheme: oauth2, declared: [{ name: 'webhook' }], store, env });
    expect(entries).toEqual([
      { name: 'client_id', source: 'env', env: 'CONNECTORS_SECRET_ACME_CLIENT_ID' },
      { name: 'client_secret', source: 'missing', env: 'CONNECTORS_SECRET_ACME_CLIENT_SECRET' },
      { name: 'webhook', source: 'missing', env: 'CONNECTORS_SECRET_ACME_WEBHOOK' },
      { name: 'oauth_access_token', source: 'session', env: 'CONNECTORS_SECRET_ACME_OAUTH_ACCESS_TOKEN', expiresAt: '2030-01-01T00:00:00.000Z' },
      { name: 'oauth_refresh_token', source: 'session', env: 'CONNECTORS_SECRET_ACME_OAUTH_REFRESH_TOKEN', expiresAt: '2030-01-01T00:00:00.000Z' },
      { name: 'note', source: 'env', env: 'CONNECTORS_SECRET_ACME_NOTE' },
    ]);
    const text = JSON.stringify(entries);
    for (const value of ['the-id', 'seed-value', 'at-value', 'rt-value', 'env-id', 'env-note']) expect(text).not.toContain(value);
  });

  it('shows a stored alias under the spec name and an env-only injected seed', async () => {
    const store = new MemoryStore();
    await store.setSecret(ref, 'consumer_token', 'x');
    const env = { CONNECTORS_SECRET_TRIPLETEX_SESSION_TOKEN: 'y' };
    const entries = await describeSecrets({ connector: 'tripletex', scheme: tripletex, store, env });
    expect(entries.map((e) => [e.name, e.source])).toEqual([
      ['consumer_key', 'store'],
      ['employee_token', 'missing'],
      ['session_token', 'env'],
    ]);
  });
});
