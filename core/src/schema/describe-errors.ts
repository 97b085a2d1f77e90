/**
 * Ajv errors -> problems people can act on: which field, what was allowed, what was given, and
 * the closest valid name for a misspelt key or value. Union noise (`if`/`then` wrappers) is
 * dropped so each mistake gives one line.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { parseInstancePath, type PathSegment } from './json-path.js';
import { suggest } from './suggest.js';

/** One schema problem, positioned by path. `target` says which node to point at. */
export interface SchemaIssue {
  /** The node the message is about (for an unknown key: the key). */
  segments: PathSegment[];
  /** `key`: point at the key of the last segment; `value`: at its value. */
  target: 'key' | 'value';
  message: string;
}

/** Describes a value for a message: `"abc"`, `42`, `a list`, `a mapping`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

function propertiesOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function describeOne(error: ErrorObject, data: unknown): SchemaIssue | undefined {
  const segments = parseInstancePath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const given = describeValue(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = propertiesOf(error.parentSchema);
      const close = suggest(key, allowed);
      const hint = close ? `did you mean \`${close}\`?` : allowed.length ? `allowed: ${allowed.join(', ')}` : 'no keys are allowed here';
      return { segments: [...segments, key], target: 'key', message: `unknown key \`${key}\`; ${hint}` };
    }
    case 'required':
      return { segments, target: 'value', message: `missing required key \`${String(params.missingProperty)}\`` };
    case 'dependentRequired':
      return {
        segments,
        target: 'value',
        message: `missing required key \`${String(params.missingProperty)}\` (needed with \`${String(params.property)}\`)`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const close = typeof error.data === 'string' ? suggest(error.data, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      return {
        segments,
        target: 'value',
        message: `${given} is not allowed; expected one of ${quoteList(allowed)}${close ? `; did you mean \`${close}\`?` : ''}`,
      };
    }
    case 'const':
      return { segments, target: 'value', message: `must be ${describeValue(params.allowedValue)}, got ${given}` };
    case 'type': {
      const types = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',');
      return { segments, target: 'value', message: `must be ${joinOr(types.map((t) => TYPE_NAMES[t] ?? t))}, got ${given}` };
    }
    case 'pattern':
      return { segments, target: 'value', message: `${given} does not match the pattern ${String(params.pattern)}` };
    case 'propertyNames': {
      const key = String(params.propertyName);
      const pattern = (error.schema as { pattern?: string } | undefined)?.pattern;
      return { segments: [...segments, key], target: 'key', message: `key \`${key}\` is not a valid name${pattern ? ` (pattern ${pattern})` : ''}` };
    }
    case 'minLength':
      return { segments, target: 'value', message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long, got ${given}` };
    case 'maxLength':
      return { segments, target: 'value', message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return { segments, target: 'value', message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { segments, target: 'value', message: `must have at most ${String(params.limit)} items` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { segments, target: 'value', message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${given}` };
    case 'format':
      return { segments, target: 'value', message: `must be a valid ${String(params.format)}, got ${given}` };
    case 'not': {
      // A `not` schema says in its own `description` what it forbids.
      const said = (error.schema as { description?: unknown } | undefined)?.description;
      return { segments, target: 'value', message: typeof said === 'string' ? said : 'has a combination of keys that is not allowed' };
    }
    case 'uniqueItems':
      return { segments, target: 'value', message: `must not repeat items (items ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))} are equal)` };
    default:
      return { segments, target: 'value', message: `${error.message ?? 'is invalid'}` };
  }
}

/** `parent\u0000key` for each unknown key whose suggestion is `key` (see {@link describeErrors}). */
function misspeltKeys(errors: readonly ErrorObject[], data: unknown): Set<string> {
  const found = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const close = suggest(String((error.params as Record<string, unknown>).additionalProperty), propertiesOf(error.parentSchema));
    if (close) found.add(`${parseInstancePath(error.instancePath, data).join('\u0000')}\u0001${close}`);
  }
  return found;
}

/**
 * Turns Ajv's errors into issues: drops `if` wrappers and the inner errors of `propertyNames`,
 * repeated messages for one node, and a missing required key when a misspelt sibling key
 * suggests it (`stream:` gives "unknown key `stream`; did you mean `streams`?" alone).
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown): SchemaIssue[] {
  if (!errors) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const misspelt = misspeltKeys(errors, data);
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    if (error.schemaPath.includes('/propertyNames/')) continue;
    if (error.keyword === 'required') {
      const parent = parseInstancePath(error.instancePath, data).join('\u0000');
      if (misspelt.has(`${parent}\u0001${String((error.params as Record<string, unknown>).missingProperty)}`)) continue;
    }
    const issue = describeOne(error, data);
    if (!issue) continue;
    const key = `${issue.segments.join('\u0000')}\u0001${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
