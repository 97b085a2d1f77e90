/** The connector's `config` values for one run (DESIGN.md section 8, "--config"). */
import { UsageError } from '../errors.js';
import { isReservedKey } from '../reserved-keys.js';
import type { Manifest } from '../manifest/types.js';
import type { JSONSchema } from '../plugin-api.js';
import { compileForeignSchema } from '../schema/ajv.js';
import { describeErrors } from '../schema/describe-errors.js';
import { formatPath } from '../schema/json-path.js';
import { suggest } from '../schema/suggest.js';

export interface ResolveConnectorConfigOptions {
  /** `--config KEY=VALUE` pairs, values as typed. */
  overrides?: Record<string, string>;
  /** The project config's `config.<connector>` values. */
  projectValues?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

const NO_CONFIG: JSONSchema = { type: 'object', properties: {}, additionalProperties: false };

/** `KEY=VALUE` flags -> a record; a flag without `=` is a `UsageError`. */
export function parseConfigFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0) throw new UsageError(`--config \`${flag}\` must be KEY=VALUE.`);
    const key = flag.slice(0, at);
    // `out.__proto__ = x` would set a prototype, not a key, and the flag would vanish unseen.
    if (isReservedKey(key)) throw new UsageError(`--config \`${key}\` cannot be a config key (JavaScript objects reserve it).`);
    out[key] = flag.slice(at + 1);
  }
  return out;
}

function coerce(key: string, raw: string, schema: Obj | undefined, connector: string): unknown {
  const type = schema?.type;
  const bad = (what: string): never => {
    throw new UsageError(`--config ${key}=${raw} for ${connector}: ${what}.`);
  };
  switch (type) {
    case 'number':
    case 'integer': {
      const value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) bad(`\`${key}\` must be a number`);
      if (type === 'integer' && !Number.isInteger(value)) bad(`\`${key}\` must be an integer`);
      return value;
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      return bad(`\`${key}\` must be true or false`);
    case 'array':
    case 'object': {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return bad(`\`${key}\` must be JSON (${type === 'array' ? 'a list' : 'an object'})`);
      }
      return value;
    }
    default:
      return raw;
  }
}

/**
 * Merges `--config` (coerced to each property's type), then the project config's values, then
 * the schema's defaults; validates the result against the manifest's config schema. An unknown
 * key or a bad value is a `UsageError` naming the key.
 */
export function resolveConnectorConfig(manifest: Manifest, options: ResolveConnectorConfigOptions = {}): Record<string, unknown> {
  const schema: JSONSchema = manifest.config ?? NO_CONFIG;
  const properties = (schema.properties ?? {}) as Record<string, Obj>;
  const known = Object.keys(properties);
  const open = schema.additionalProperties === true;
  const checkKey = (key: string, source: string): void => {
    if (open || Object.prototype.hasOwnProperty.call(properties, key)) return;
    const close = suggest(key, known);
    throw new UsageError(
      `Unknown config key \`${key}\` (${source}) for ${manifest.name}; ${close ? `did you mean \`${close}\`?` : known.length ? `known: ${known.join(', ')}` : 'the connector has no config'}.`,
    );
  };
  const values: Obj = {};
  for (const [key, value] of Object.entries(options.projectValues ?? {})) {
    checkKey(key, `connectors.config.yaml config.${manifest.name}`);
    values[key] = value;
  }
  for (const [key, raw] of Object.entries(options.overrides ?? {})) {
    checkKey(key, '--config');
    values[key] = coerce(key, raw, properties[key], manifest.name);
  }
  const validate = compileForeignSchema(schema);
  if (!validate(values)) {
    const issue = describeErrors(validate.errors, values)[0];
    const where = issue ? formatPath(issue.segments) : '';
    const from = where && options.overrides && where in options.overrides ? '--config' : 'config';
    throw new UsageError(`${from} \`${where || 'config'}\` for ${manifest.name} ${issue?.message ?? 'is invalid'}.`);
  }
  return values;
}
