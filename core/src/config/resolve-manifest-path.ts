import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
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

/**
 * The manifest file of `run NAME`/`check NAME`: NAME itself when it is a path, else
 * `<catalog>/<name>/connector.yaml`. An unknown name is a `UsageError` listing the near names.
 */
export function resolveManifestPath(nameOrPath: string, catalogDir: string): string {
  if (isManifestPath(nameOrPath)) return nameOrPath;
  const file = join(catalogDir, nameOrPath, MANIFEST_FILE);
  if (existsSync(file)) return file;
  const names = listCatalogNames(catalogDir);
  const close = suggest(nameOrPath, names);
  const known = names.length ? `known: ${names.join(', ')}` : 'the catalog is empty';
  throw new UsageError(`Unknown connector \`${nameOrPath}\` in the catalog ${catalogDir} (${known}${close ? `; did you mean \`${close}\`?` : ''}).`, {
    hint: 'Pass a path to a manifest (e.g. ./my/connector.yaml) or set --catalog.',
  });
}
