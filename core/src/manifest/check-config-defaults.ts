/**
 * A `config` property's `default` must satisfy that property's own schema (`{type: integer,
 * default: "abc"}` would otherwise pass `validate` and fail every run that does not set it).
 * Scalar schemas are checked without Ajv's compiler (see `check-scalar-schema.ts`).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { compileForeignSchema } from '../schema/ajv.js';
import { describeErrors } from '../schema/describe-errors.js';
import type { JSONSchema } from '../plugin-api.js';
import type { Report } from './report.js';
import { checkScalarSchema } from './check-scalar-schema.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `default` of each `config` property, where one is given. */
export function readConfigDefaults(manifest: Obj): Obj {
  const defaults: Obj = {};
  const config = manifest.config;
  if (!isObject(config) || !isObject(config.properties)) return defaults;
  for (const [key, property] of Object.entries(config.properties)) {
    if (isObject(property) && 'default' in property) defaults[key] = property.default;
  }
  return defaults;
}

/** Reports every config default that its own property schema rejects. */
export function checkConfigDefaults(manifest: Obj, report: Report): void {
  const config = manifest.config;
  if (!isObject(config) || !isObject(config.properties)) return;
  for (const [key, property] of Object.entries(config.properties)) {
    if (!isObject(property) || !('default' in property)) continue;
    const { default: value, ...schema } = property;
    const errors = checkScalarSchema(schema, value) ?? compileAndCheck(schema as JSONSchema, value);
    if (errors === undefined || errors.length === 0) continue;
    const issue = describeErrors(errors, value)[0];
    report(['config', 'properties', key, 'default'], `the default contradicts the property's own schema: ${issue?.message ?? 'invalid'}`);
  }
}

/** Ajv's errors for a schema the scalar check cannot decide; undefined for one Ajv cannot compile (the schema check reports it). */
function compileAndCheck(schema: JSONSchema, value: unknown): ErrorObject[] | undefined {
  let validate;
  try {
    validate = compileForeignSchema(schema);
  } catch {
    return undefined;
  }
  return validate(structuredClone(value)) ? [] : [...(validate.errors ?? [])];
}
