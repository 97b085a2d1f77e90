import { relative } from 'node:path';
import type { SchemeRegistry } from '../auth/registry.js';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { ManifestError } from '../errors.js';
import { findManifests } from './find-manifests.js';
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

/**
 * The connectors of a catalog folder, by name. Every manifest is validated: an invalid one is a
 * `ManifestError` naming the file and its first problem (nothing is skipped silently).
 */
export async function listCatalog(dir: string, options: { registry?: SchemeRegistry } = {}): Promise<CatalogEntry[]> {
  const registry = options.registry ?? createBuiltInRegistry();
  const entries: CatalogEntry[] = [];
  for (const location of await findManifests(dir)) {
    const { manifest, problems } = await validateManifestFile(location.file, {
      registry,
      ...(location.catalogName !== undefined ? { catalogName: location.catalogName } : {}),
    });
    if (!manifest) {
      const first = problems[0]!;
      throw new ManifestError(
        `The catalog manifest ${location.file} is invalid: ${formatProblem(first)}${problems.length > 1 ? ` (and ${problems.length - 1} more; run connectors validate)` : ''}.`,
        { location: { file: first.file, line: first.line, col: first.col, path: first.path } },
      );
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
