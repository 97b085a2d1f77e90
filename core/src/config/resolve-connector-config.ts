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
  /** The connection's stored config (`connectors config set`): beats the project's, loses to `--config`. */
  connectionValues?: Record<string, unknown>;
  /**
   * For `connectors config` itself: defaults are applied but the result is not checked, and stored
   * keys the schema no longer declares are kept, so a required value can be set and a stale one unset.
   */
  lenient?: boolean;
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

/**
 * A typed value from its text: number, integer and boolean properties are parsed, arrays and
 * objects read as JSON, anything else stays text. A bad value is a `UsageError` that starts with
 * `label` (default `--config KEY=VALUE`).
 */
export function coerceConfigValue(key: string, raw: string, schema: Obj | undefined, connector: string, label = `--config ${key}=${raw}`): unknown {
  const type = schema?.type;
  const bad = (what: string): never => {
    throw new UsageError(`${label} for ${connector}: ${what}.`);
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
 * A key the manifest's config schema declares (or any key, when it allows others); else a
 * `UsageError` with a did-you-mean. `source` says where the key was written.
 */
export function checkConfigKey(manifest: Manifest, key: string, source: string): void {
  const schema: JSONSchema = manifest.config ?? NO_CONFIG;
  const properties = (schema.properties ?? {}) as Record<string, Obj>;
  if (schema.additionalProperties === true || Object.prototype.hasOwnProperty.call(properties, key)) return;
  const known = Object.keys(properties);
  const close = suggest(key, known);
  throw new UsageError(
    `Unknown config key \`${key}\` (${source}) for ${manifest.name}; ${close ? `did you mean \`${close}\`?` : known.length ? `known: ${known.join(', ')}` : 'the connector has no config'}.`,
  );
}

/**
 * Merges `--config` (coerced to each property's type), then the connection's stored config, then
 * the project config's values, then the schema's defaults; validates the result against the manifest's config schema. An unknown
 * key or a bad value is a `UsageError` naming the key.
 */
export function resolveConnectorConfig(manifest: Manifest, options: ResolveConnectorConfigOptions = {}): Record<string, unknown> {
  const schema: JSONSchema = manifest.config ?? NO_CONFIG;
  const properties = (schema.properties ?? {}) as Record<string, Obj>;
  const checkKey = (key: string, source: string): void => checkConfigKey(manifest, key, source);
  const values: Obj = {};
  for (const [key, value] of Object.entries(options.projectValues ?? {})) {
    checkKey(key, `connectors.config.yaml config.${manifest.name}`);
    values[key] = value;
  }
  for (const [key, value] of Object.entries(options.connectionValues ?? {})) {
    if (!options.lenient) checkKey(key, `the connection's config; remove it with \`connectors config unset ${manifest.name} ${key}\``);
    values[key] = value;
  }
  for (const [key, raw] of Object.entries(options.overrides ?? {})) {
    checkKey(key, '--config');
    values[key] = coerceConfigValue(key, raw, properties[key], manifest.name);
  }
  const validate = compileForeignSchema(schema);
  if (!validate(values) && !options.lenient) {
    const issue = describeErrors(validate.errors, values)[0];
    const where = issue ? formatPath(issue.segments) : '';
    const from = where && options.overrides && where in options.overrides ? '--config' : 'config';
    throw new UsageError(`${from} \`${where || 'config'}\` for ${manifest.name} ${issue?.message ?? 'is invalid'}.`);
  }
  return values;
}
