import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors.js';
import { checkAuthScheme, loadPlugin } from './plugins.js';
import { createBuiltInRegistry } from './schemes/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'plugins');

describe('loadPlugin', () => {
  it('registers the schemes of a package listed by relative path, with its origin', async () => {
    const registry = createBuiltInRegistry();
    const plugin = await loadPlugin('./good', fixtures, registry);
    expect(plugin.origin).toBe('connectors-plugin-good@1.2.3');
    expect(plugin.schemes).toEqual(['acme_token']);
    expect(registry.get('acme_token')?.origin).toBe('connectors-plugin-good@1.2.3');
  });

  it.each([
    ['./bad-version', /connectors-plugin-bad-version declares connectors.apiVersion 2/],
    ['./no-default', /connectors-plugin-no-default \(\.\/dist\/index\.js\) has no default export/],
    ['./throws', /connectors-plugin-throws \(\.\/dist\/index\.js\) failed to load: boom at load/],
    ['./dup', /connectors-plugin-dup: Auth scheme "basic" from connectors-plugin-dup@1.2.3 is already provided by built-in/],
    ['./missing', /has no package.json/],
    ['not-an-installed-package-xyz', /"not-an-installed-package-xyz" is not installed/],
  ])('rejects %s with a clear error naming the package', async (spec, message) => {
    const error = await loadPlugin(spec, fixtures, createBuiltInRegistry()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('checkAuthScheme', () => {
  const valid = { name: 'x', apiVersion: 1, requiredSecrets: [], injectedSecrets: [], authenticate: async () => ({ secrets: {} }), apply() {} };

  it('accepts a complete scheme', () => {
    expect(checkAuthScheme(valid, 'Plugin p').name).toBe('x');
  });

  it.each([
    [{ ...valid, apiVersion: 2 }, /apiVersion 2/],
    [{ ...valid, name: 'Bad Name' }, /valid name/],
    [{ ...valid, authenticate: undefined }, /no authenticate/],
    [{ ...valid, apply: 'x' }, /no apply/],
    [{ ...valid, requiredSecrets: [{}] }, /requiredSecrets/],
    [null, /does not export an auth scheme object/],
  ])('rejects a broken scheme (%#)', (value, message) => {
    expect(() => checkAuthScheme(value, 'Plugin p')).toThrow(message);
  });
});
