import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { ManifestError, UsageError } from '../errors.js';
import { loadManifest } from '../manifest/load-manifest.js';
import type { Manifest } from '../manifest/types.js';
import { loadProjectConfig } from './project-config.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { resolveCatalogDir } from './resolve-catalog-dir.js';
import { parseConfigFlags, resolveConnectorConfig } from './resolve-connector-config.js';
import { isManifestPath, resolveManifestPath } from './resolve-manifest-path.js';

const registry = createBuiltInRegistry();
const catalog = 'src/manifest/__fixtures__/catalog';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connectors-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadProjectConfig', () => {
  it('is undefined without a file', async () => {
    expect(await loadProjectConfig(dir)).toBeUndefined();
  });

  it('reads and validates connectors.config.yaml', async () => {
    const project = join(dir, 'ok');
    await mkdir(project);
    await writeFile(join(project, 'connectors.config.yaml'), 'catalog: ./cat\nplugins: [./p]\nsecret_store: {type: file, path: s.enc}\nconfig:\n  tripletex: {base_url: "https://x"}\n');
    const config = await loadProjectConfig(project);
    expect(config).toMatchObject({ catalog: './cat', plugins: ['./p'], secret_store: { type: 'file', path: 's.enc' }, config: { tripletex: { base_url: 'https://x' } }, dir: project });
  });

  it('reports problems at file:line:col as a ManifestError', async () => {
    const project = join(dir, 'bad');
    await mkdir(project);
    await writeFile(join(project, 'connectors.config.yaml'), 'catalog: ./cat\nplugin: [./p]\n');
    const error = await loadProjectConfig(project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/connectors\.config\.yaml:2:1: plugin: unknown key `plugin`; did you mean `plugins`\?$/);
  });

  it('refuses a reserved key in a connector\'s config values (issue 9)', async () => {
    const project = join(dir, 'proto');
    await mkdir(project);
    await writeFile(join(project, 'connectors.config.yaml'), 'config:\n  demo:\n    __proto__: {x: 1}\n');
    const error = await loadProjectConfig(project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/connectors\.config\.yaml:3:5: config\.demo\.__proto__: `__proto__` cannot be used as a key/);
  });
});

describe('resolveCatalogDir', () => {
  const shippedDir = '/opt/shipped';
  it('follows --catalog, CONNECTORS_CATALOG, the project config, ./connectors, the shipped catalog', async () => {
    const cwd = join(dir, 'cwd');
    await mkdir(join(cwd, 'conf'), { recursive: true });
    const projectConfig = { file: join(cwd, 'conf/connectors.config.yaml'), dir: join(cwd, 'conf'), catalog: '../cat' };
    expect(resolveCatalogDir({ flag: 'a', env: 'b', projectConfig, cwd, shippedDir })).toBe('a');
    expect(resolveCatalogDir({ env: 'b/', projectConfig, cwd, shippedDir })).toBe('b/');
    expect(resolveCatalogDir({ projectConfig, cwd, shippedDir })).toBe('cat');
    expect(resolveCatalogDir({ cwd, shippedDir })).toBe(shippedDir);
    await mkdir(join(cwd, 'connectors'));
    expect(resolve(resolveCatalogDir({ cwd, shippedDir }))).toBe(join(cwd, 'connectors'));
    expect(resolveCatalogDir({ cwd, shippedDir, projectConfig: { ...projectConfig, catalog: undefined } as never })).not.toBe(shippedDir);
  });
});

describe('resolveManifestPath', () => {
  it('treats a name with / or a .yaml/.yml ending as a path', () => {
    expect(isManifestPath('./x')).toBe(true);
    expect(isManifestPath('x.yml')).toBe(true);
    expect(isManifestPath('tripletex')).toBe(false);
    const file = join(catalog, 'petstore', 'connector.yaml');
    expect(resolveManifestPath(file, catalog)).toBe(file);
  });

  // Issue 9: a NAME that names nothing is failed work (exit 1), not a usage error (DESIGN.md section 8).
  const thrownBy = (nameOrPath: string, catalogDir = catalog) => {
    try {
      resolveManifestPath(nameOrPath, catalogDir);
    } catch (error) {
      return error as ManifestError;
    }
    throw new Error('expected an error');
  };

  it('finds a catalog name; an unknown name is exit 1 listing the known names and the near one', () => {
    expect(resolveManifestPath('tripletex', catalog)).toBe(join(catalog, 'tripletex', 'connector.yaml'));
    const error = thrownBy('triplex');
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^Unknown connector `triplex` in the catalog .* \(known: petstore, tripletex; did you mean `tripletex`\?\); pass a catalog name/);
    expect(error.message.split('. ')).toHaveLength(1);
  });

  it('a manifest path that does not exist is exit 1 listing the known names', () => {
    for (const path of ['missing.yaml', './nowhere/connector.yaml']) {
      const error = thrownBy(path);
      expect(error).toBeInstanceOf(ManifestError);
      expect(error.exitCode).toBe(1);
      expect(error.message).toBe(`No manifest at ${path} (no such file); pass a path to a manifest or a name from the catalog ${catalog} (known: petstore, tripletex).`);
    }
    expect(thrownBy('missing.yaml', join(catalog, 'nothing-here')).message).toMatch(/\(the catalog is empty\)\.$/);
  });
});

describe('resolveConnectorConfig', () => {
  let manifest: Manifest;
  beforeAll(async () => {
    manifest = structuredClone(await loadManifest(join(catalog, 'tripletex/connector.yaml'), { registry }));
    manifest.config = {
      properties: {
        base_url: { type: 'string', format: 'uri', default: 'https://tripletex.no/v2' },
        company: { type: 'integer', minimum: 0, default: 0 },
        ratio: { type: 'number' },
        test: { type: 'boolean', default: false },
      },
      additionalProperties: false,
    };
  });

  it('applies defaults, then project values, then --config, coercing types', () => {
    expect(resolveConnectorConfig(manifest)).toEqual({ base_url: 'https://tripletex.no/v2', company: 0, test: false });
    expect(resolveConnectorConfig(manifest, { projectValues: { company: 5, base_url: 'https://p' }, overrides: { company: '7', ratio: '0.5', test: 'true' } })).toEqual({
      base_url: 'https://p',
      company: 7,
      ratio: 0.5,
      test: true,
    });
  });

  it('names the key of a bad or unknown value', () => {
    expect(() => resolveConnectorConfig(manifest, { overrides: { company: 'x' } })).toThrow(/`company` must be a number/);
    expect(() => resolveConnectorConfig(manifest, { overrides: { company: '1.5' } })).toThrow(/`company` must be an integer/);
    expect(() => resolveConnectorConfig(manifest, { overrides: { company: '-1' } })).toThrow(/--config `company` for tripletex must be >= 0, got -1/);
    expect(() => resolveConnectorConfig(manifest, { overrides: { base_url: 'not a url' } })).toThrow(/`base_url` .* must be a valid uri/);
    expect(() => resolveConnectorConfig(manifest, { overrides: { compnay: '1' } })).toThrow(/Unknown config key `compnay` \(--config\) for tripletex; did you mean `company`\?/);
    expect(() => resolveConnectorConfig(manifest, { overrides: { test: 'maybe' } })).toThrow(UsageError);
  });

  it('parses KEY=VALUE flags', () => {
    expect(parseConfigFlags(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(() => parseConfigFlags(['novalue'])).toThrow(UsageError);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses --config %s=1 as a usage error (issue 9)', (key) => {
    expect(() => parseConfigFlags([`${key}=1`])).toThrow(new UsageError(`--config \`${key}\` cannot be a config key (JavaScript objects reserve it).`));
  });
});

describe('resolveAuthOptions', () => {
  it('drops host keys, applies scheme defaults and templates strings with config', async () => {
    const manifest = await loadManifest(join(catalog, 'tripletex/connector.yaml'), { registry });
    expect(resolveAuthOptions(manifest, registry, { base_url: 'https://api.test/v2' })).toEqual({
      company_id: 0,
      session_days: 2,
      session_url: 'https://api.test/v2/token/session/:create',
    });
    expect(manifest.auth).not.toHaveProperty('session_days');
  });

  it('refuses an unknown scheme', () => {
    const manifest = { name: 'x', auth: { scheme: 'nope' } } as unknown as Manifest;
    expect(() => resolveAuthOptions(manifest, registry, {})).toThrow(ManifestError);
  });
});
