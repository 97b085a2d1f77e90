// Where the schema files live, for tools that read them from disk.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the folder holding the schema files. */
export const schemasDir = dirname(fileURLToPath(import.meta.url));

/** Absolute path of one schema file, e.g. `schemaPath('auth/oauth2.json')`. */
export function schemaPath(relative) {
  return join(schemasDir, relative);
}

export { AUTH_BRANCHES_PATH, HOST_AUTH_KEYS, buildSchemeBranch, buildSchemeBranches, withoutSchemeBranches } from './scheme-branches.js';
