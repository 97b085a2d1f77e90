import type { SchemeRegistry } from '../auth/registry.js';
import { createManifestError } from './manifest-error.js';
import type { Manifest } from './types.js';
import { validateManifestFile } from './validate.js';

export interface LoadManifestOptions {
  registry: SchemeRegistry;
  catalogName?: string;
}

/**
 * Loads a manifest for `run` and `check`: valid, with the schema's defaults applied. Throws a
 * `ManifestError` whose message is the first problem (`file:line:col: path: message`).
 */
export async function loadManifest(file: string, options: LoadManifestOptions): Promise<Manifest> {
  const { manifest, problems } = await validateManifestFile(file, options);
  if (!manifest) throw createManifestError(problems);
  return manifest;
}
