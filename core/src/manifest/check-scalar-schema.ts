/**
 * Checks a value against a scalar property schema of the common keywords (`type`, `enum`,
 * `const`, lengths, bounds, `pattern`, the ajv-formats formats) without Ajv's compiler, so that
 * `validate` and `list` of a catalog whose `config` has defaults start without it. Errors have
 * Ajv's shape, so {@link describeErrors} words them as it words Ajv's own.
 */
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv/dist/2020.js';

type FormatCheck = RegExp | ((value: string) => boolean) | { validate: RegExp | ((value: string) => boolean) };

// ajv-formats' table of formats is a plain CommonJS module with no imports: cheap to load.
const require = createRequire(import.meta.url);
const { fullFormats } = require('ajv-formats/dist/formats.js') as { fullFormats: Record<string, FormatCheck> };

/** Keywords that say nothing about validity. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const CHECKED = new Set(['type', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * The Ajv-shaped errors of `value` against `schema`, or `undefined` when the schema uses a
 * keyword (or a type, or a format) this check does not know, and Ajv must decide.
 */
export function checkScalarSchema(schema: Record<string, unknown>, value: unknown): ErrorObject[] | undefined {
  for (const [key, setting] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    if (!CHECKED.has(key)) return undefined;
    if (key === 'type' && !(typeof setting === 'string' ? [setting] : Array.isArray(setting) ? setting : [undefined]).every((t) => TYPES.has(t as string))) return undefined;
    if (key === 'format' && (typeof setting !== 'string' || !(setting in fullFormats))) return undefined;
  }
  const error = (keyword: string, params: Record<string, unknown>): ErrorObject[] => [
    { keyword, params, instancePath: '', schemaPath: `#/${keyword}`, data: value, schema: schema[keyword], parentSchema: schema },
  ];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type))) return error('type', { type: Array.isArray(schema.type) ? types : types[0] });
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => isEqual(allowed, value))) return error('enum', { allowedValues: schema.enum });
  if ('const' in schema && !isEqual(schema.const, value)) return error('const', { allowedValue: schema.const });
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return error('minLength', { limit: schema.minLength });
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return error('maxLength', { limit: schema.maxLength });
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return error('pattern', { pattern: schema.pattern });
    if (typeof schema.format === 'string' && !matchesFormat(fullFormats[schema.format]!, value)) return error('format', { format: schema.format });
  }
  if (typeof value === 'number') {
    const bounds: Array<[string, string, (limit: number) => boolean]> = [
      ['minimum', '>=', (limit) => value >= limit],
      ['maximum', '<=', (limit) => value <= limit],
      ['exclusiveMinimum', '>', (limit) => value > limit],
      ['exclusiveMaximum', '<', (limit) => value < limit],
    ];
    for (const [keyword, comparison, holds] of bounds) {
      const limit = schema[keyword];
      if (typeof limit === 'number' && !holds(limit)) return error(keyword, { comparison, limit });
    }
  }
  return [];
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Equality of YAML scalars (and, for `enum` of lists or mappings, of their JSON). */
function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

function matchesFormat(check: FormatCheck, value: string): boolean {
  const test = check instanceof RegExp || typeof check === 'function' ? check : check.validate;
  return test instanceof RegExp ? test.test(value) : test(value);
}
