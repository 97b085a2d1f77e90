import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors.js';
import { checkAuthScheme, loadPlugin, locatePluginPackage } from './plugins.js';
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
    [{ ...valid, options: { type: 'object', properties: { x: { type: 'strin' } } } }, /scheme "x" has an options schema that is not valid JSON Schema \(schema is invalid: data\/properties\/x\/type/],
  ])('rejects a broken scheme (%#)', (value, message) => {
    expect(() => checkAuthScheme(value, 'Plugin p')).toThrow(message);
  });
});

describe('locatePluginPackage', () => {
  it('finds a package by name in node_modules above the folder, even when its exports map hides package.json', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const root = await mkdtemp(join(tmpdir(), 'connectors-locate-'));
    try {
      const pkg = join(root, 'node_modules', '@acme', 'scheme');
      await mkdir(join(pkg, 'dist'), { recursive: true });
      await writeFile(join(pkg, 'package.json'), JSON.stringify({
        name: '@acme/scheme', version: '2.0.0', type: 'module', exports: { '.': './dist/index.js' },
        connectors: { apiVersion: 1, authSchemes: ['./dist/index.js'] },
      }));
      await writeFile(join(pkg, 'dist', 'index.js'), "export default { name: 'acme_x', apiVersion: 1, requiredSecrets: [], injectedSecrets: [], async authenticate() { return { secrets: {} }; }, apply() {} };\n");
      const project = join(root, 'project', 'sub');
      await mkdir(project, { recursive: true });
      expect(locatePluginPackage('@acme/scheme', project)).toBe(pkg);
      const plugin = await loadPlugin('@acme/scheme', project, createBuiltInRegistry(), 'installed');
      expect(plugin).toMatchObject({ origin: '@acme/scheme@2.0.0', schemes: ['acme_x'], source: 'installed' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
