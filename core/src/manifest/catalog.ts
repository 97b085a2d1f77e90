import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import type { SchemeRegistry } from '../auth/registry.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { ManifestError } from '../errors.js';
import { findManifests, type ManifestLocation } from './find-manifests.js';
import { formatProblem } from './problem.js';
import { validateManifestFile } from './validate.js';

/** One connector of a catalog, as `connectors list --json` prints it. */
export interface CatalogEntry {
  name: string;
  /** Omitted when the manifest has none. */
  title?: string;
  scheme: string;
  streams: string[];
  /** The manifest file, relative to the working directory. */
  path: string;
}

/** The manifests of a catalog folder: none when the folder holds none; an error when it does not exist. */
async function findCatalogManifests(dir: string): Promise<ManifestLocation[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new ManifestError(`The catalog folder ${dir} does not exist.`);
  if (!info.isDirectory()) throw new ManifestError(`The catalog ${dir} is a file, not a folder.`);
  try {
    return await findManifests(dir);
  } catch (error) {
    if (error instanceof ManifestError) return [];
    throw error;
  }
}

/**
 * The connectors of a catalog folder, by name; none for a folder without manifests. Every
 * manifest is validated: an invalid one is a `ManifestError` naming the file and its first
 * problem (nothing is skipped silently).
 */
export async function listCatalog(dir: string, options: { registry?: SchemeRegistry } = {}): Promise<CatalogEntry[]> {
  const registry = options.registry ?? createBuiltInRegistry();
  const entries: CatalogEntry[] = [];
  for (const location of await findCatalogManifests(dir)) {
    const { manifest, problems } = await validateManifestFile(location.file, {
      registry,
      ...(location.catalogName !== undefined ? { catalogName: location.catalogName } : {}),
    });
    if (!manifest) {
      const first = problems[0]!;
      const more = problems.length - 1;
      throw new ManifestError(formatProblem(first), {
        location: { file: first.file, line: first.line, col: first.col, path: first.path },
        ...(more > 0 ? { hint: `(${more} more problem${more === 1 ? '' : 's'}; run \`connectors validate ${dir}\` for all.)` } : {}),
      });
    }
    entries.push({
      name: manifest.name,
      ...(manifest.title !== undefined ? { title: manifest.title } : {}),
      scheme: manifest.auth.scheme,
      streams: manifest.streams.map((stream) => stream.name),
      path: relative(process.cwd(), location.file) || location.file,
    });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
