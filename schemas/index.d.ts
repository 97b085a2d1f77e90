/** Absolute path of the folder holding the schema files. */
export declare const schemasDir: string;
/** Absolute path of one schema file, e.g. `schemaPath('auth/oauth2.json')`. */
export declare function schemaPath(relative: string): string;
export { AUTH_BRANCHES_PATH, HOST_AUTH_KEYS, buildSchemeBranch, buildSchemeBranches, withoutSchemeBranches } from './scheme-branches.js';
