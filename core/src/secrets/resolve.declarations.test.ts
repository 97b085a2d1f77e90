import { describe, expect, it } from 'vitest';
import { basicScheme } from '../auth/schemes/basic.js';
import { MemoryStore } from './memory-store.js';
import { collectRequiredSecrets, describeSecrets, resolveSecrets } from './resolve.js';

const basic = { requiredSecrets: basicScheme.requiredSecrets, injectedSecrets: basicScheme.injectedSecrets };
const ref = { connector: 'demo', connection: 'default' };

describe('declared secrets: optional, default, allow_empty', () => {
  it('an optional secret set nowhere is unset, not missing', async () => {
    const store = new MemoryStore();
    const resolved = await resolveSecrets({
      connector: 'demo',
      scheme: { requiredSecrets: [], injectedSecrets: [] },
      declared: [{ name: 'region_key', optional: true }],
      store,
      env: {},
    });
    expect(resolved.missing).toEqual([]);
    expect(resolved.unset).toEqual(['region_key']);
    expect(resolved.secrets).toEqual({});
  });

  it('a default is used when the secret is set nowhere, and loses to the environment and the store', async () => {
    const store = new MemoryStore();
    const declared = [{ name: 'site', default: 'eu' }];
    const scheme = { requiredSecrets: [], injectedSecrets: [] };
    const fallback = await resolveSecrets({ connector: 'demo', scheme, declared, store, env: {} });
    expect(fallback.secrets).toEqual({ site: 'eu' });
    expect(fallback.sources).toEqual({ site: 'default' });
    expect(fallback.missing).toEqual([]);
    await store.setSecret(ref, 'site', 'us-stored');
    expect((await resolveSecrets({ connector: 'demo', scheme, declared, store, env: {} })).secrets).toEqual({ site: 'us-stored' });
    const env = { CONNECTORS_SECRET_DEMO_SITE: 'us-env' };
    expect((await resolveSecrets({ connector: 'demo', scheme, declared, store, env })).secrets).toEqual({ site: 'us-env' });
    expect((await describeSecrets({ connector: 'demo', scheme, declared, store: new MemoryStore(), env: {} }))[0]).toMatchObject({ name: 'site', source: 'default' });
  });

  it('an empty environment value is unset unless the secret allows empty values', async () => {
    const store = new MemoryStore();
    const env = { CONNECTORS_SECRET_DEMO_USERNAME: 'api-key-1234', CONNECTORS_SECRET_DEMO_PASSWORD: '' };
    const strict = await resolveSecrets({ connector: 'demo', scheme: basic, store, env });
    expect(strict.missing.map((m) => m.name)).toEqual(['password']);
    const relaxed = await resolveSecrets({ connector: 'demo', scheme: basic, declared: [{ name: 'password', allow_empty: true }], store, env });
    expect(relaxed.missing).toEqual([]);
    expect(relaxed.secrets).toEqual({ username: 'api-key-1234', password: '' });
    expect(relaxed.sources.password).toBe('env');
  });

  it('an empty stored value counts only when the secret allows empty values', async () => {
    const store = new MemoryStore();
    await store.setSecret(ref, 'username', 'api-key-1234');
    await store.setSecret(ref, 'password', '');
    const strict = await resolveSecrets({ connector: 'demo', scheme: basic, store, env: {} });
    expect(strict.missing.map((m) => m.name)).toEqual(['password']);
    const relaxed = await resolveSecrets({ connector: 'demo', scheme: basic, declared: [{ name: 'password', allow_empty: true }], store, env: {} });
    expect(relaxed.secrets.password).toBe('');
    expect(relaxed.sources.password).toBe('store');
  });

  it('merges a manifest declaration into the scheme spec of the same name', () => {
    const [username, password] = collectRequiredSecrets(basic, [{ name: 'password', allow_empty: true, default: '' }]);
    expect(username).toEqual({ name: 'username', description: 'The user name.' });
    expect(password).toEqual({ name: 'password', description: 'The password.', optional: false, allowEmpty: true, default: '' });
    // optional only when both say so: the scheme requires a password, so declaring it optional alone is not enough
    expect(collectRequiredSecrets(basic, [{ name: 'password', optional: true }])[1]?.optional).toBe(false);
  });

  it('applies Basic with an empty password', async () => {
    const session = await basicScheme.authenticate({ secrets: { username: 'api-key-1234', password: '' } } as never);
    const request = { method: 'GET', url: new URL('https://x.test/'), headers: {} as Record<string, string> };
    await basicScheme.apply(request, session, {} as never);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('api-key-1234:').toString('base64')}`);
  });
});
