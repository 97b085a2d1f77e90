type Schema = Record<string, unknown>;
/** Where the branches live in the connector schema: `$defs.auth.allOf`. */
export declare const AUTH_BRANCHES_PATH: readonly string[];
/** The `auth` keys that belong to the host, not to a scheme; every branch allows them. */
export declare const HOST_AUTH_KEYS: readonly string[];
/** One scheme's `if {scheme: const name} then {options}` branch and the definitions it hoisted. */
export declare function buildSchemeBranch(name: string, options: Schema | undefined): { branch: Schema; defs: Record<string, Schema> };
/** The branches of several schemes, in the order given, and the definitions they hoisted. */
export declare function buildSchemeBranches(schemes: ReadonlyArray<{ name: string; options?: Schema }>): { branches: Schema[]; defs: Record<string, Schema> };
/** The schema without the editor's branches: for validators that check scheme options themselves. */
export declare function withoutSchemeBranches<T extends Schema>(schema: T): T;
