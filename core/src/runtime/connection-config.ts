/**
 * `connectors config set/list/unset` (DESIGN.md section 12, "Per-connection config"): non-secret
 * values stored with a connection, checked against the manifest's config schema when set. What a
 * run uses: `--config`, then the connection's config, then the project config, then the schema
 * default. Each call runs the store change under the connection's lock.
 */
import { checkConfigKey, coerceConfigValue, readConnectionConfig, writeConnectionConfig } from '../config/index.js';
import { ConnectorsError, UsageError } from '../errors.js';
import { isReservedKey } from '../reserved-keys.js';
import { compileForeignSchema } from '../schema/ajv.js';
import { describeErrors } from '../schema/describe-errors.js';
import type { JSONSchema } from '../plugin-api.js';
import { openConnectorTarget, type ConnectionOptions, type ConnectorTarget } from './open-connection.js';
import type { Project } from './open-project.js';

/** Where a config value in use comes from (`--config` is per run and not listed). */
export type ConfigValueSource = 'connection' | 'project' | 'default' | 'unset';

/** One line of `connectors config list`. */
export interface ConfigValueDescription {
  key: string;
  /** Absent when unset. */
  value?: unknown;
  source: ConfigValueSource;
}

/** What {@link setConnectionConfig} stored. */
export interface SetConfigResult {
  key: string;
  /** The value as stored, coerced to the property's type. */
  value: unknown;
}

const propertiesOf = (target: ConnectorTarget): Record<string, Record<string, unknown>> =>
  (target.manifest.config?.properties ?? {}) as Record<string, Record<string, unknown>>;

/** A value checked against its property's schema; a bad one is a `UsageError` naming the key. */
function checkConfigValue(target: ConnectorTarget, key: string, raw: string): unknown {
  const schema = propertiesOf(target)[key];
  const label = `config set ${key}=${raw}`;
  const value = coerceConfigValue(key, raw, schema, target.manifest.name, label);
  if (schema === undefined) return value;
  const validate = compileForeignSchema(schema as JSONSchema);
  if (!validate(value)) {
    const issue = describeErrors(validate.errors, value)[0];
    throw new UsageError(`${label} for ${target.manifest.name}: \`${key}\` ${issue?.message ?? 'is invalid'}.`);
  }
  return value;
}

/**
 * `connectors config set NAME KEY VALUE`: stores one config value with the connection. The key
 * must be declared by the manifest's config schema (did-you-mean otherwise); the value is coerced
 * like `--config` (number, integer, boolean, JSON for arrays and objects) and checked against the
 * property's schema. Usage errors (exit 2) for both.
 */
export async function setConnectionConfig(project: Project, options: ConnectionOptions & { key: string; value: string }): Promise<SetConfigResult> {
  const target = await openConnectorTarget(project, { connector: options.connector, connection: options.connection, lenientConfig: true });
  if (isReservedKey(options.key)) throw new UsageError(`\`${options.key}\` cannot be a config key (JavaScript objects reserve it).`);
  checkConfigKey(target.manifest, options.key, 'config set');
  const value = checkConfigValue(target, options.key, options.value);
  await target.sessions.withConnectionLock(target.ref, async () => {
    const stored = await readConnectionConfig(target.store, target.ref);
    await writeConnectionConfig(target.store, target.ref, { ...stored, [options.key]: value });
  });
  return { key: options.key, value };
}

/**
 * `connectors config unset NAME KEY`: removes one stored value; the project config or the
 * default applies again. A key the connection does not hold is an error (exit 1).
 */
export async function unsetConnectionConfig(project: Project, options: ConnectionOptions & { key: string }): Promise<void> {
  const target = await openConnectorTarget(project, { connector: options.connector, connection: options.connection, lenientConfig: true });
  const removed = await target.sessions.withConnectionLock(target.ref, async () => {
    const stored = await readConnectionConfig(target.store, target.ref);
    if (!Object.hasOwn(stored, options.key)) return false;
    const { [options.key]: _gone, ...rest } = stored;
    await writeConnectionConfig(target.store, target.ref, rest);
    return true;
  });
  if (!removed) {
    throw new ConnectorsError(`No config value \`${options.key}\` is stored for ${target.ref.connector} (${target.ref.connection}).`, {
      code: 'ERR_CONFIG_NOT_STORED',
      hint: `See what is set with \`connectors config list ${target.ref.connector}\`.`,
    });
  }
}

/**
 * `connectors config list NAME`: every declared config property (then any other stored key) with
 * the value in use and where it comes from: the connection, the project config, the schema
 * default, or `unset`.
 */
export async function listConnectionConfig(project: Project, options: ConnectionOptions): Promise<ConfigValueDescription[]> {
  const target = await openConnectorTarget(project, { connector: options.connector, connection: options.connection, lenientConfig: true });
  const stored = await readConnectionConfig(target.store, target.ref);
  const projectValues = (project.config?.config?.[target.manifest.name] ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(propertiesOf(target)), ...Object.keys(projectValues), ...Object.keys(stored)])];
  return keys.map((key): ConfigValueDescription => {
    const source: ConfigValueSource = Object.hasOwn(stored, key)
      ? 'connection'
      : Object.hasOwn(projectValues, key)
        ? 'project'
        : Object.hasOwn(target.config, key)
          ? 'default'
          : 'unset';
    return source === 'unset' ? { key, source } : { key, value: target.config[key], source };
  });
}
