/** Manifest loading, validation and catalog discovery. */
export type * from './types.js';
export { formatProblem, type Problem } from './problem.js';
export { loadYamlFile, parseYamlText, MAX_FILE_BYTES, type YamlFile, type LoadResult } from './load.js';
export { validateManifestFile, validateManifestYaml, type ValidateManifestOptions, type ManifestValidation } from './validate.js';
export { loadManifest, type LoadManifestOptions } from './load-manifest.js';
export { findManifests, MANIFEST_FILE, type ManifestLocation } from './find-manifests.js';
export { validatePaths, type PathsValidation } from './validate-paths.js';
export { listCatalog, type CatalogEntry } from './catalog.js';
export { HOST_AUTH_KEYS, extractSchemeOptions } from './check-auth.js';
export { PAGE_KEYS, STATE_KEYS } from './check-templates.js';
export { createManifestError } from './manifest-error.js';
