/** The validators of the manifest, the project config and scheme options, compiled once per process. */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { AuthScheme, JSONSchema } from '../plugin-api.js';
import { compileForeignSchema, compileOwnSchema } from './ajv.js';
import { loadSchema, loadValidationSchema } from './load-schema.js';
import { PRECOMPILED_SCHEMAS } from './precompiled-schemas.js';

/** The `$id` of the manifest schema, for editors and `$schema` lines. */
export const MANIFEST_SCHEMA_ID = 'https://connectors.dev/schemas/v1/connector.schema.json';
/** The `$id` of the project config schema. */
export const PROJECT_CONFIG_SCHEMA_ID = 'https://connectors.dev/schemas/v1/connectors.config.schema.json';

const require = createRequire(import.meta.url);
const precompiled = new Map<string, ValidateFunction | null>();

/**
 * Our own schema's validator: the module the build precompiled (`precompiled/<file>.cjs`, see
 * `standalone.ts`), else compiled now (when running from source, as the unit tests do).
 */
function ownValidator(file: string): ValidateFunction {
  if (!precompiled.has(file)) {
    let validate: ValidateFunction | null = null;
    try {
      validate = require(`./precompiled/${file}.cjs`) as ValidateFunction;
    } catch {
      validate = null;
    }
    precompiled.set(file, validate);
  }
  return precompiled.get(file) ?? compileOwnSchema(loadValidationSchema(file));
}

/** The manifest schema as a plain object. */
export function getManifestSchema(): JSONSchema {
  return loadSchema('connector.schema.json');
}

/** Validates a manifest (applying the schema's defaults). */
export function getManifestValidator(): ValidateFunction {
  return ownValidator('connector.schema.json');
}

/** Validates a project config (`connectors.config.yaml`). */
export function getProjectConfigValidator(): ValidateFunction {
  return ownValidator('connectors.config.schema.json');
}

const OPEN_OPTIONS: JSONSchema = { type: 'object' };

/** The file of a built-in scheme's options schema, by the schema object `loadSchema` returned for it. */
let precompiledFiles: WeakMap<object, string> | undefined;
function precompiledFileOf(schema: JSONSchema): string | undefined {
  precompiledFiles ??= new WeakMap(
    PRECOMPILED_SCHEMAS.filter((file) => file.startsWith('auth/')).map((file) => [loadSchema(file), file]),
  );
  return precompiledFiles.get(schema);
}

/**
 * Validates a scheme's options (the `auth` block without `scheme`, `refresh_before`, `apply`),
 * applying the scheme schema's defaults. A built-in scheme's is precompiled; a plugin's is
 * compiled once per options schema; a scheme without one accepts any options.
 */
export function getSchemeOptionsValidator(scheme: AuthScheme): ValidateFunction {
  const options = scheme.options ?? OPEN_OPTIONS;
  const file = precompiledFileOf(options);
  return file ? ownValidator(file) : compileForeignSchema(options);
}
