import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from '../errors.js';
import { MANIFEST_FILE } from '../manifest/find-manifests.js';
import { suggest } from '../schema/suggest.js';

/** True when `run NAME` means a path: it holds a `/` (or `\`) or ends in `.yaml`/`.yml`. */
export function isManifestPath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
}

/** The connector names of a catalog folder (subfolders holding `connector.yaml`). */
export function listCatalogNames(catalogDir: string): string[] {
  try {
    return readdirSync(catalogDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(catalogDir, entry.name, MANIFEST_FILE)))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** `known: a, b, c` or `the catalog is empty`, for the message of a NAME that names nothing. */
function describeKnownNames(names: string[]): string {
  return names.length ? `known: ${names.join(', ')}` : 'the catalog is empty';
}

/**
 * The manifest file of `run NAME`/`check NAME`: NAME itself when it is a path, else
 * `<catalog>/<name>/connector.yaml`. A NAME that names nothing (no such catalog entry, no such
 * file) is failed work, exit 1 (DESIGN.md section 8): a `ManifestError` whose one sentence lists the
 * catalog's names and the nearest one.
 */
export function resolveManifestPath(nameOrPath: string, catalogDir: string): string {
  if (isManifestPath(nameOrPath)) {
    if (existsSync(nameOrPath)) return nameOrPath;
    const names = listCatalogNames(catalogDir);
    throw new ManifestError(
      `No manifest at ${nameOrPath} (no such file); pass a path to a manifest or a name from the catalog ${catalogDir} (${describeKnownNames(names)}).`,
      { code: 'ERR_UNKNOWN_CONNECTOR' },
    );
  }
  const file = join(catalogDir, nameOrPath, MANIFEST_FILE);
  if (existsSync(file)) return file;
  const names = listCatalogNames(catalogDir);
  const close = suggest(nameOrPath, names);
  throw new ManifestError(
    `Unknown connector \`${nameOrPath}\` in the catalog ${catalogDir} (${describeKnownNames(names)}${close ? `; did you mean \`${close}\`?` : ''}); pass a catalog name, a path to a manifest, or another --catalog.`,
    { code: 'ERR_UNKNOWN_CONNECTOR' },
  );
}
