import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../auth/plugins.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { PluginError, SecretStoreError } from '../errors.js';
import { openSecretStore } from '../secrets/open-secret-store.js';
import { SecretStoreTypeRegistry } from '../secrets/store-type-registry.js';
import { checkSecretStoreType } from './store-modules.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');

describe('store plugins', () => {
  it('registers the secret store types of a package\'s "secretStores" modules, with its origin', async () => {
    const types = new SecretStoreTypeRegistry();
    const plugin = await loadPlugin('./json-store', fixtures, createBuiltInRegistry(), 'config', types);
    expect(plugin).toMatchObject({ name: 'connectors-store-json', schemes: [], stores: ['json-file'] });
    expect(types.get('json-file')?.origin).toBe('connectors-store-json@0.3.0');
  });

  it('refuses a store module without create(), naming the package and the module', async () => {
    const error = await loadPlugin('./no-create-store', fixtures, createBuiltInRegistry()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe('Plugin connectors-store-no-create (./dist/store.js) secret store "half-done" has no create() function.');
  });

  it('refuses a plugin store that takes a built-in type or a type another plugin has', () => {
    const types = new SecretStoreTypeRegistry();
    const create = (): never => {
      throw new Error('not called');
    };
    expect(() => types.register({ type: 'postgres', create }, 'evil@1.0.0')).toThrow('Secret store type "postgres" from evil@1.0.0 is built in; a plugin\'s store needs another type name.');
    types.register({ type: 'vault', create }, 'a@1.0.0');
    expect(() => types.register({ type: 'vault', create }, 'b@2.0.0')).toThrow('Secret store type "vault" from b@2.0.0 is already provided by a@1.0.0.');
  });

  const noop = (): undefined => undefined;
  it.each<[unknown, string]>([
    [undefined, 'does not export a secret store type object.'],
    [{ type: 'Bad Name', create: noop }, 'exports a secret store without a valid type'],
    [{ type: 'x', create: noop, options: 'string' }, 'secret store "x" has options that are not a JSON Schema object.'],
  ])('checkSecretStoreType refuses %j', (value, message) => {
    expect(() => checkSecretStoreType(value, 'Plugin p (./s.js)')).toThrow(message);
  });

  it('checks secret_store: against the type\'s options schema before create() runs', async () => {
    const types = new SecretStoreTypeRegistry();
    await loadPlugin('./json-store', fixtures, createBuiltInRegistry(), 'config', types);
    const open = (config: Record<string, unknown>) => () => openSecretStore({ type: 'json-file', ...config }, { home: fixtures, env: {}, types });
    expect(open({ file: 3 })).toThrow(new SecretStoreError('secret_store.file is not valid for type json-file (connectors-store-json@0.3.0): must be string.'));
    expect(open({})).toThrow("secret_store is not valid for type json-file (connectors-store-json@0.3.0): must have required property 'file'.");
    expect(open({ file: 'a.json' })).not.toThrow();
  });

  it('an unknown type names the known ones, plugins\' included', async () => {
    const types = new SecretStoreTypeRegistry();
    await loadPlugin('./json-store', fixtures, createBuiltInRegistry(), 'config', types);
    const error = (() => {
      try {
        openSecretStore({ type: 'vault' }, { home: fixtures, env: {}, types });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as Error).message).toBe('secret_store type "vault" is neither built in nor provided by a loaded plugin; the known types are file, postgres, command and json-file.');
  });
});
