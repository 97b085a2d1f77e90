import type { SchemeRegistry } from '../auth/registry.js';
import { ManifestError } from '../errors.js';
import { findManifests, type ManifestLocation } from './find-manifests.js';
import type { Problem } from './problem.js';
import { validateManifestFile } from './validate.js';

/** What `connectors validate --json` prints (DESIGN.md section 8). */
export interface PathsValidation {
  valid: boolean;
  /** How many manifest files were validated. */
  manifests: number;
  problems: Problem[];
}

/** How many files are read and validated at once. */
const CONCURRENCY = 8;

/**
 * Validates every manifest the paths mean (see `findManifests`). A path that does not exist or
 * holds no manifests is a problem (without a position). Files are reported as the paths were given.
 */
export async function validatePaths(paths: readonly string[], options: { registry: SchemeRegistry }): Promise<PathsValidation> {
  const problems: Problem[] = [];
  const locations: ManifestLocation[] = [];
  for (const path of paths) {
    try {
      locations.push(...(await findManifests(path)));
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      problems.push({ file: path, line: 0, col: 0, path: '', message: error.message.replace(`${path} `, '').replace(/\.$/, '') });
    }
  }
  const results: Problem[][] = new Array(locations.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < locations.length) {
      const index = next++;
      const location = locations[index]!;
      const result = await validateManifestFile(location.file, {
        registry: options.registry,
        ...(location.catalogName !== undefined ? { catalogName: location.catalogName } : {}),
      });
      results[index] = result.problems;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, locations.length) }, worker));
  for (const list of results) problems.push(...list);
  return { valid: problems.length === 0, manifests: locations.length, problems };
}
