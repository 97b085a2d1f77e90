/**
 * The process-wide Ajv instance (draft 2020-12, with formats). Schemas are compiled once and the
 * validators cached: by `$id` for our own schemas, by schema object for plugin and config schemas.
 * `useDefaults` is on: defaults live only in schemas and are applied while validating.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';
import type { JSONSchema } from '../plugin-api.js';

// Ajv's compiler is loaded on first use, not at import: our own schemas and the built-in schemes'
// are precompiled (see standalone.ts), so `list` and `validate` of the catalog never load it.
const require = createRequire(import.meta.url);

type AddFormats = (ajv: Ajv2020) => Ajv2020;
/** ajv-formats' plugin (its CommonJS default export, whichever way the loader hands it over). */
export function addFormats(ajv: Ajv2020): Ajv2020 {
  const module = require('ajv-formats') as AddFormats | { default: AddFormats };
  return (typeof module === 'function' ? module : module.default)(ajv);
}

let instance: Ajv2020 | undefined;
const bySchema = new WeakMap<object, ValidateFunction>();

/** All errors, verbose (errors carry the data), defaults applied, not strict. */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: false, useDefaults: true };

/** The shared Ajv instance, with {@link AJV_OPTIONS} and the formats. */
export function getAjv(): Ajv2020 {
  if (!instance) {
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    instance = new Ajv(AJV_OPTIONS);
    addFormats(instance);
  }
  return instance;
}

/**
 * Compiles a schema that is not ours (a plugin's options, a manifest's `config`) once per schema
 * object. Its top-level `$id` and `$schema` are dropped so two plugins reusing an `$id`, or a
 * draft-07 `$schema` line, cannot break compilation.
 */
export function compileForeignSchema(schema: JSONSchema): ValidateFunction {
  let validate = bySchema.get(schema);
  if (!validate) {
    const { $id: _id, $schema: _schema, ...rest } = schema;
    validate = getAjv().compile(rest);
    bySchema.set(schema, validate);
  }
  return validate;
}

/** Compiles one of our schemas once, keyed by its `$id`. */
export function compileOwnSchema(schema: JSONSchema): ValidateFunction {
  const ajv = getAjv();
  const id = schema.$id as string | undefined;
  const cached = id ? ajv.getSchema(id) : bySchema.get(schema);
  if (cached) return cached;
  const validate = ajv.compile(schema);
  if (!id) bySchema.set(schema, validate);
  return validate;
}
