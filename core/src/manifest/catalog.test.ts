import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { ManifestError } from '../errors.js';
import { listCatalog } from './catalog.js';
import { findManifests } from './find-manifests.js';

const fixtures = 'src/manifest/__fixtures__';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connectors-catalog-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findManifests', () => {
  it('reads a file, a connector folder and a catalog as DESIGN.md section 8 says', async () => {
    expect(await findManifests(`${fixtures}/bad/enum.yaml`)).toEqual([{ file: `${fixtures}/bad/enum.yaml` }]);
    expect(await findManifests(`${fixtures}/catalog/petstore`)).toEqual([{ file: `${fixtures}/catalog/petstore/connector.yaml` }]);
    expect(await findManifests(`${fixtures}/catalog`)).toEqual([
      { file: `${fixtures}/catalog/petstore/connector.yaml`, catalogName: 'petstore' },
      { file: `${fixtures}/catalog/tripletex/connector.yaml`, catalogName: 'tripletex' },
    ]);
  });

  it('throws a ManifestError for a missing path and a folder without manifests', async () => {
    await expect(findManifests(`${fixtures}/nope`)).rejects.toThrow(ManifestError);
    await expect(findManifests(`${fixtures}/nope`)).rejects.toThrow(`${fixtures}/nope does not exist.`);
    await expect(findManifests(`${fixtures}/empty-folder`)).rejects.toThrow(/holds no connector manifests/);
  });
});

describe('listCatalog', () => {
  it('lists name, title (omitted when missing), scheme, streams and a path relative to cwd', async () => {
    expect(await listCatalog(`${fixtures}/catalog`)).toEqual([
      { name: 'petstore', scheme: 'api_key', streams: ['pets'], path: `${fixtures}/catalog/petstore/connector.yaml` },
      { name: 'tripletex', title: 'Tripletex', scheme: 'tripletex', streams: ['customers', 'invoices'], path: `${fixtures}/catalog/tripletex/connector.yaml` },
    ]);
  });

  it('reports an invalid manifest naming the file, skipping nothing', async () => {
    await mkdir(join(dir, 'good'));
    await writeFile(join(dir, 'good/connector.yaml'), 'apiVersion: connectors/v1\nname: good\nauth: {scheme: none}\nstreams: [{name: a, path: /a}]\n');
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken/connector.yaml'), 'apiVersion: connectors/v1\nname: other\nauth: {scheme: none}\nstreams: [{name: a, path: /a}]\n');
    const error = await listCatalog(dir, { registry: createBuiltInRegistry() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    const file = join(dir, 'broken/connector.yaml');
    expect((error as Error).message).toBe(`${file}:2:7: name: \`other\` must equal its folder name \`broken\` in a catalog`);
    expect((error as ManifestError).hint).toBeUndefined();
    expect(relative(process.cwd(), file)).not.toBe('');
  });

  it('lists nothing for a folder without manifests, and refuses a catalog that does not exist (issue 3)', async () => {
    expect(await listCatalog(`${fixtures}/empty-folder`)).toEqual([]);
    await expect(listCatalog(`${fixtures}/nope`)).rejects.toThrow(`The catalog folder ${fixtures}/nope does not exist.`);
  });
});
