import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginError } from '../errors.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { loadInstalledPlugins } from './load-installed.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'auth', '__fixtures__', 'plugins');
let home: string;

/** A plugins folder as `npm install` leaves it: the record plus links in node_modules. */
async function install(packages: Record<string, string>): Promise<void> {
  const folder = join(home, 'plugins');
  await mkdir(join(folder, 'node_modules'), { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const [name, fixture] of Object.entries(packages)) {
    dependencies[name] = `file:${fixture}`;
    await symlink(join(fixtures, fixture), join(folder, 'node_modules', name));
  }
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'connectors-plugins', private: true, dependencies }));
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'connectors-installed-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('loadInstalledPlugins', () => {
  it('loads nothing without a plugins folder', async () => {
    expect(await loadInstalledPlugins(home, createBuiltInRegistry())).toEqual([]);
  });

  it('loads the recorded packages as installed plugins', async () => {
    await install({ 'connectors-plugin-good': 'good' });
    const registry = createBuiltInRegistry();
    const [plugin] = await loadInstalledPlugins(home, registry);
    expect(plugin).toMatchObject({ name: 'connectors-plugin-good', source: 'installed', schemes: ['acme_token'] });
    expect(registry.get('acme_token')?.origin).toBe('connectors-plugin-good@1.2.3');
  });

  it('skips a package the project config already loaded', async () => {
    await install({ 'connectors-plugin-good': 'good' });
    expect(await loadInstalledPlugins(home, createBuiltInRegistry(), { skip: ['connectors-plugin-good'] })).toEqual([]);
  });

  it('names a recorded package that is gone from node_modules', async () => {
    await mkdir(join(home, 'plugins'), { recursive: true });
    await writeFile(join(home, 'plugins', 'package.json'), JSON.stringify({ dependencies: { 'connectors-plugin-gone': '1.0.0' } }));
    const error = await loadInstalledPlugins(home, createBuiltInRegistry()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toMatch(/"connectors-plugin-gone" is not installed/);
  });

  it('fails on a broken installed plugin, naming it', async () => {
    await install({ 'connectors-plugin-bad-version': 'bad-version' });
    await expect(loadInstalledPlugins(home, createBuiltInRegistry())).rejects.toThrow(/connectors-plugin-bad-version declares connectors.apiVersion 2/);
  });
});
