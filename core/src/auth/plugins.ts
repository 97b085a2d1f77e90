import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { PluginError } from '../errors.js';
import type { AuthScheme } from '../plugin-api.js';
import { getSchemeOptionsValidator } from '../schema/validators.js';
import { importPluginModule } from '../plugins/import-plugin-module.js';
import { importStoreTypes } from '../plugins/store-modules.js';
import { SecretStoreTypeRegistry } from '../secrets/store-type-registry.js';
import type { SchemeRegistry } from './registry.js';

/** A plugin package that was loaded: where it is and which schemes it added. */
export interface LoadedPlugin {
  /** The spec as the config listed it: a package name or a relative path. */
  spec: string;
  name: string;
  version: string;
  /** `<name>@<version>`, the origin `connectors schemes` shows. */
  origin: string;
  directory: string;
  schemes: string[];
  /** The secret store types it added (`"secretStores"`), empty for a scheme-only plugin. */
  stores: string[];
  /** Where it was listed: `plugins:` of connectors.config.yaml, or `connectors plugins install`. */
  source: PluginSource;
}

/** Where a plugin package was listed. */
export type PluginSource = 'config' | 'installed';

interface PluginManifest {
  name?: unknown;
  version?: unknown;
  connectors?: { apiVersion?: unknown; authSchemes?: unknown; secretStores?: unknown };
}

const SCHEME_NAME = /^[a-z][a-z0-9_-]*$/;

function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || isAbsolute(spec);
}

/**
 * Finds the folder of a plugin package: a path relative to `fromDir`, or a package in the
 * `node_modules` of `fromDir` or a folder above it (as Node resolves packages). The folder is
 * looked up directly rather than through `require.resolve('<name>/package.json')`, which a
 * package with an `exports` map that does not export `./package.json` refuses.
 */
export function locatePluginPackage(spec: string, fromDir: string): string {
  if (isPathSpec(spec)) return resolve(fromDir, spec);
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new PluginError(
    `Plugin package "${spec}" is not installed where ${fromDir} can resolve it.`,
    { hint: `Run \`npm install ${spec}\` in ${fromDir}, or \`connectors plugins install ${spec}\`.` },
  );
}

async function readPluginManifest(spec: string, directory: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await readFile(join(directory, 'package.json'), 'utf8');
  } catch {
    throw new PluginError(`Plugin "${spec}" has no package.json at ${directory}.`);
  }
  try {
    return JSON.parse(text) as PluginManifest;
  } catch {
    throw new PluginError(`Plugin "${spec}" has a package.json that is not valid JSON.`);
  }
}

/** Checks one exported value against the AuthScheme contract; the first broken rule is the error. */
export function checkAuthScheme(value: unknown, where: string): AuthScheme {
  const scheme = value as Partial<AuthScheme> | undefined;
  const fail = (what: string): never => {
    throw new PluginError(`${where} ${what}.`);
  };
  if (!scheme || typeof scheme !== 'object') fail('does not export an auth scheme object');
  if (typeof scheme!.name !== 'string' || !SCHEME_NAME.test(scheme!.name)) {
    fail(`exports a scheme without a valid name (lower-case letters, digits, "_" and "-")`);
  }
  const named = `${where} scheme "${scheme!.name}"`;
  if (scheme!.apiVersion !== 1) {
    throw new PluginError(`${named} has apiVersion ${JSON.stringify(scheme!.apiVersion)}; this runtime supports apiVersion 1.`);
  }
  for (const list of ['requiredSecrets', 'injectedSecrets'] as const) {
    const specs = scheme![list];
    if (!Array.isArray(specs) || specs.some((s) => !s || typeof s.name !== 'string')) {
      throw new PluginError(`${named} needs ${list} as a list of {name} objects.`);
    }
  }
  if (typeof scheme!.authenticate !== 'function') throw new PluginError(`${named} has no authenticate() function.`);
  if (typeof scheme!.apply !== 'function') throw new PluginError(`${named} has no apply() function.`);
  if (scheme!.requiredSecretsFor !== undefined && typeof scheme!.requiredSecretsFor !== 'function') {
    throw new PluginError(`${named} has a requiredSecretsFor that is not a function.`);
  }
  if (scheme!.tlsClientCertificateFor !== undefined && typeof scheme!.tlsClientCertificateFor !== 'function') {
    throw new PluginError(`${named} has a tlsClientCertificateFor that is not a function.`);
  }
  if (scheme!.options !== undefined && (typeof scheme!.options !== 'object' || scheme!.options === null)) {
    throw new PluginError(`${named} has options that are not a JSON Schema object.`);
  }
  try {
    getSchemeOptionsValidator(scheme as AuthScheme); // compiled once, here rather than mid-validate
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PluginError(`${named} has an options schema that is not valid JSON Schema (${reason}).`);
  }
  return scheme as AuthScheme;
}

async function importSchemes(modulePath: string, where: string): Promise<AuthScheme[]> {
  const list = await importPluginModule(modulePath, where, { one: 'a scheme', many: 'schemes' });
  return list.map((value) => checkAuthScheme(value, where));
}

/** Runs `register`, prefixing a {@link PluginError} (a name already taken) with `where`. */
function registerFrom(where: string, register: () => void): void {
  try {
    register();
  } catch (error) {
    if (error instanceof PluginError) throw new PluginError(`${where}: ${error.message}`);
    throw error;
  }
}

/** A list of module paths from the `connectors` field, or undefined when the key is absent. */
function readModuleList(field: Record<string, unknown>, key: 'authSchemes' | 'secretStores', where: string): string[] | undefined {
  const modules = field[key];
  if (modules === undefined) return undefined;
  if (!Array.isArray(modules) || modules.length === 0 || modules.some((m) => typeof m !== 'string')) {
    throw new PluginError(`${where} must list its modules in connectors.${key} as a non-empty list of paths.`);
  }
  return modules as string[];
}

/**
 * Loads one plugin package (DESIGN.md sections 6 and 10): reads the `connectors` field of its
 * package.json, imports each listed module and registers its schemes (`authSchemes`) and secret
 * store types (`secretStores`, into `storeTypes`) with `origin` `<name>@<version>`. Every failure
 * is a {@link PluginError} naming the package.
 */
export async function loadPlugin(
  spec: string,
  fromDir: string,
  registry: SchemeRegistry,
  source: PluginSource = 'config',
  storeTypes: SecretStoreTypeRegistry = new SecretStoreTypeRegistry(),
): Promise<LoadedPlugin> {
  const directory = locatePluginPackage(spec, fromDir);
  const manifest = await readPluginManifest(spec, directory);
  const name = typeof manifest.name === 'string' ? manifest.name : spec;
  const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  const where = `Plugin ${name}`;
  const field = manifest.connectors;
  if (!field || typeof field !== 'object') {
    throw new PluginError(`${where} has no "connectors" field in its package.json.`);
  }
  if (field.apiVersion !== 1) {
    throw new PluginError(`${where} declares connectors.apiVersion ${JSON.stringify(field.apiVersion)}; this runtime supports apiVersion 1.`);
  }
  const modules = readModuleList(field, 'authSchemes', where);
  const storeModules = readModuleList(field, 'secretStores', where);
  if (!modules && !storeModules) {
    throw new PluginError(`${where} must list its scheme modules in connectors.authSchemes (or its secret store modules in connectors.secretStores).`);
  }
  const origin = `${name}@${version}`;
  const schemes: string[] = [];
  for (const relative of modules ?? []) {
    for (const scheme of await importSchemes(resolve(directory, relative), `${where} (${relative})`)) {
      registerFrom(where, () => registry.register(scheme, origin));
      schemes.push(scheme.name);
    }
  }
  const stores: string[] = [];
  for (const relative of storeModules ?? []) {
    for (const storeType of await importStoreTypes(resolve(directory, relative), `${where} (${relative})`)) {
      registerFrom(where, () => storeTypes.register(storeType, origin));
      stores.push(storeType.type);
    }
  }
  return { spec, name, version, origin, directory, schemes, stores, source };
}

/** Loads every plugin the project config lists, in order. */
export async function loadPlugins(
  specs: readonly string[],
  fromDir: string,
  registry: SchemeRegistry,
  storeTypes: SecretStoreTypeRegistry = new SecretStoreTypeRegistry(),
): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) loaded.push(await loadPlugin(spec, fromDir, registry, 'config', storeTypes));
  return loaded;
}
