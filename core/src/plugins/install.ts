import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPlugin, type LoadedPlugin } from '../auth/plugins.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { PluginError } from '../errors.js';
import { runNpm } from './npm.js';
import { parsePluginSpec } from './plugin-spec.js';
import { ensurePluginsFolder, pluginsFolder, readPluginsRecord } from './plugins-folder.js';

export interface InstallPluginOptions {
  /** `CONNECTORS_HOME`: the plugin goes to `<home>/plugins`. */
  home: string;
  /** An npm spec (`name`, `name@1.2`, `@scope/name`) or a local path (folder or .tgz). */
  spec: string;
  /** Relative paths resolve from here. Default `process.cwd()`. */
  cwd?: string;
  /** The environment npm runs with. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The files npm changes in the plugins folder, as they were before: restored on rollback. */
interface Snapshot {
  packageJson?: string;
  packageLock?: string;
}

const SNAPSHOT_FILES = { packageJson: 'package.json', packageLock: 'package-lock.json' } as const;

async function takeSnapshot(folder: string): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const [key, file] of Object.entries(SNAPSHOT_FILES) as Array<[keyof Snapshot, string]>) {
    snapshot[key] = await readFile(join(folder, file), 'utf8').catch(() => undefined);
  }
  return snapshot;
}

async function restoreSnapshot(folder: string, snapshot: Snapshot): Promise<void> {
  for (const [key, file] of Object.entries(SNAPSHOT_FILES) as Array<[keyof Snapshot, string]>) {
    const text = snapshot[key];
    if (text === undefined) await rm(join(folder, file), { force: true });
    else await writeFile(join(folder, file), text);
  }
}

/** The dependency that the install added or changed; else the name the spec gave. */
function findInstalledName(before: Record<string, string>, after: Record<string, string>, fallback?: string): string | undefined {
  const changed = Object.keys(after).find((name) => before[name] !== after[name]);
  return changed ?? (fallback !== undefined && fallback in after ? fallback : undefined);
}

async function readLocalPackageName(path: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(path, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof manifest.name === 'string' ? manifest.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Undoes an install whose package broke the plugin contract: a new package is uninstalled, an
 * upgraded one goes back to the recorded version. A failed rollback is reported in the hint.
 */
async function rollBack(folder: string, name: string, wasInstalled: boolean, snapshot: Snapshot, env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    if (!wasInstalled) await runNpm(['uninstall', '--save', name], { cwd: folder, env, what: `npm uninstall ${name}` });
    await restoreSnapshot(folder, snapshot);
    if (wasInstalled) await runNpm(['install'], { cwd: folder, env, what: 'npm install' });
    return 'Nothing was installed.';
  } catch (error) {
    return `Rolling back failed too (${(error as Error).message}); run \`connectors plugins uninstall ${name}\`.`;
  }
}

/**
 * `connectors plugins install`: installs a plugin package with npm into `<home>/plugins`, then
 * loads it as every command will (package.json `connectors` field, apiVersion, each scheme, no
 * scheme name taken twice among the built-in and the other installed plugins). A package that
 * fails is rolled back and the {@link PluginError} says why.
 */
export async function installPlugin(options: InstallPluginOptions): Promise<LoadedPlugin> {
  const folder = pluginsFolder(options.home);
  const parsed = parsePluginSpec(options.spec, options.cwd ?? process.cwd());
  if (parsed.kind === 'path' && !(await stat(parsed.path).catch(() => undefined))) {
    throw new PluginError(`There is no plugin package at ${parsed.path}.`);
  }
  await ensurePluginsFolder(folder);
  const snapshot = await takeSnapshot(folder);
  const before = (await readPluginsRecord(folder)).dependencies ?? {};
  try {
    await runNpm(['install', '--save', '--prefix', folder, parsed.npmSpec], {
      cwd: folder,
      env: options.env,
      what: `npm install ${options.spec}`,
    });
  } catch (error) {
    await restoreSnapshot(folder, snapshot);
    throw error;
  }
  const after = (await readPluginsRecord(folder)).dependencies ?? {};
  const expected = parsed.kind === 'path' ? await readLocalPackageName(parsed.path) : parsed.name;
  const name = findInstalledName(before, after, expected);
  if (name === undefined) {
    await restoreSnapshot(folder, snapshot);
    throw new PluginError(`npm install ${options.spec} did not record a package in ${join(folder, 'package.json')}.`);
  }

  const registry = createBuiltInRegistry();
  for (const other of Object.keys(after)) {
    if (other === name) continue;
    // Another installed plugin that is broken is reported by the commands that load it, not here.
    await loadPlugin(other, folder, registry, 'installed').catch(() => undefined);
  }
  try {
    return await loadPlugin(name, folder, registry, 'installed');
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    const outcome = await rollBack(folder, name, name in before, snapshot, options.env);
    throw new PluginError(error.message, { hint: [error.hint, outcome].filter(Boolean).join(' ') });
  }
}
