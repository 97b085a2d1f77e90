/** Which manifest files a PATH means (DESIGN.md section 8, "validate PATH"). */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError } from '../errors.js';

/** The file name of a connector's manifest inside its folder. */
export const MANIFEST_FILE = 'connector.yaml';

/** A manifest file to validate; inside a catalog, with the folder name its `name` must equal. */
export interface ManifestLocation {
  file: string;
  catalogName?: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A file is one manifest; a folder holding `connector.yaml` is one connector; any other folder
 * is a catalog of `<folder>/<name>/connector.yaml`. Paths are joined onto `path` as given (a
 * relative path stays relative). Throws a `ManifestError` for a path that does not exist or
 * holds no manifests.
 */
export async function findManifests(path: string): Promise<ManifestLocation[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      code === 'ENOENT' ? `${path} does not exist.` : `${path} cannot be read (${code ?? 'error'}).`,
      { location: { file: path, line: 0, col: 0, path: '' } },
    );
  }
  if (!info.isDirectory()) return [{ file: path }];
  const own = join(path, MANIFEST_FILE);
  if (await isFile(own)) return [{ file: own }];
  const entries = await readdir(path, { withFileTypes: true });
  const found: ManifestLocation[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const file = join(path, entry.name, MANIFEST_FILE);
    if (await isFile(file)) found.push({ file, catalogName: entry.name });
  }
  if (found.length === 0) {
    throw new ManifestError(
      `${path} holds no connector manifests (looked for ${join(path, MANIFEST_FILE)} and ${join(path, '<name>', MANIFEST_FILE)}).`,
      { location: { file: path, line: 0, col: 0, path: '' } },
    );
  }
  return found;
}
