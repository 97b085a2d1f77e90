/**
 * Which secrets a connection has, and from where (DESIGN.md section 5 and section 8, "Secret
 * precedence", "secrets list and delete"). Required secrets (the scheme's, aliases included, plus
 * the manifest's `secrets:`) come from the environment first, then the store. Other secrets stored
 * for the connection (seeds such as `oauth_refresh_token`) and environment values of the scheme's
 * injected names are passed along as seeds. Only this connection's secrets are ever read.
 *
 * A declared secret may be `optional`, may have a `default` (used when it is set nowhere), and
 * with `allow_empty` the empty string is a value; without it an empty value counts as unset.
 */
import { isConnectionConfigEntry } from '../config/connection-config.js';
import type { SecretDeclaration } from '../manifest/types.js';
import type { AuthScheme, SecretSpec } from '../plugin-api.js';
import { secretEnvName } from './env-name.js';
import { MissingSecretError, type MissingSecret } from './missing-secret-error.js';
import type { SecretStore } from './store.js';

export interface ResolveSecretsOptions {
  connector: string;
  /** Default `default`. */
  connection?: string;
  scheme: Pick<AuthScheme, 'requiredSecrets' | 'injectedSecrets'>;
  /** The manifest's `secrets:` list. */
  declared?: SecretDeclaration[];
  store: SecretStore;
  /** Default `process.env`. An empty variable counts as unset, unless the secret allows empty values. */
  env?: NodeJS.ProcessEnv;
}

/** Where a resolved secret came from. */
export type SecretSource = 'env' | 'store' | 'default';

export interface ResolvedSecrets {
  /** Secret values by name, aliases resolved to the spec's name: what `ctx.secrets` gets. */
  secrets: Record<string, string>;
  sources: Record<string, SecretSource>;
  /** Required secrets found nowhere. */
  missing: MissingSecret[];
  /** Optional secrets found nowhere and without a default: templates read them as unset. */
  unset: string[];
}

/** One line of `connectors secrets list`: never a value. */
export interface SecretDescription {
  name: string;
  source: 'env' | 'store' | 'session' | 'default' | 'missing';
  /** The secret's environment variable. */
  env: string;
  /** For session secrets: when the session expires (ISO-8601). */
  expiresAt?: string;
}

/** Resolves the secrets of one connection; missing required ones are listed, not thrown. */
export async function resolveSecrets(options: ResolveSecretsOptions): Promise<ResolvedSecrets> {
  const { connector, scheme } = options;
  const env = options.env ?? process.env;
  const stored = await options.store.getSecrets({ connector, connection: options.connection ?? 'default' }, secretNamesOf(scheme, options.declared));
  const result: ResolvedSecrets = { secrets: {}, sources: {}, missing: [], unset: [] };
  const claimed = new Set<string>();
  for (const spec of collectRequiredSecrets(scheme, options.declared)) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    names.forEach((name) => claimed.add(name));
    const found = findSecret(connector, names, env, stored, spec);
    if (found) {
      result.secrets[spec.name] = found.value;
      result.sources[spec.name] = found.source;
    } else if (spec.optional) {
      result.unset.push(spec.name);
    } else {
      result.missing.push({ name: spec.name, env: secretEnvName(connector, spec.name) });
    }
  }
  for (const [name, value] of Object.entries(stored)) {
    if (claimed.has(name) || Object.hasOwn(result.secrets, name) || isConnectionConfigEntry(name)) continue;
    result.secrets[name] = value;
    result.sources[name] = 'store';
  }
  for (const spec of scheme.injectedSecrets) {
    if (claimed.has(spec.name)) continue;
    const value = readEnv(env, secretEnvName(connector, spec.name));
    if (value === undefined) continue;
    result.secrets[spec.name] = value;
    result.sources[spec.name] = 'env';
  }
  return result;
}

/** Throws a {@link MissingSecretError} when `resolved` lacks a required secret. */
export function assertNoMissingSecrets(resolved: ResolvedSecrets, connector: string, connection = 'default'): void {
  if (resolved.missing.length > 0) throw new MissingSecretError(connector, connection, resolved.missing);
}

/**
 * `connectors secrets list`: one entry per secret the scheme requires or the manifest declares,
 * then the session's injected secrets (with its expiry), then every other stored secret, then
 * injected names set in the environment. Required secrets: `env` wins over `store`. A name the
 * session holds shows as `session`, because the session's value is the one in use.
 */
export async function describeSecrets(options: ResolveSecretsOptions): Promise<SecretDescription[]> {
  const { connector, scheme, store } = options;
  const env = options.env ?? process.env;
  const ref = { connector, connection: options.connection ?? 'default' };
  const [stored, session] = await Promise.all([store.getSecrets(ref, secretNamesOf(scheme, options.declared)), store.getSession(ref)]);
  const entries: SecretDescription[] = [];
  const listed = new Set<string>();
  const add = (entry: Omit<SecretDescription, 'env'>): void => {
    entries.push({ ...entry, env: secretEnvName(connector, entry.name) });
    listed.add(entry.name);
  };
  for (const spec of collectRequiredSecrets(scheme, options.declared)) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    const found = findSecret(connector, names, env, stored, spec);
    add({ name: spec.name, source: found?.source ?? 'missing' });
    names.forEach((name) => listed.add(name));
  }
  for (const name of Object.keys(session?.secrets ?? {})) {
    if (listed.has(name)) continue;
    add({ name, source: 'session', ...(session?.expiresAt ? { expiresAt: session.expiresAt } : {}) });
  }
  for (const name of Object.keys(stored)) {
    if (listed.has(name) || isConnectionConfigEntry(name)) continue;
    add({ name, source: readEnv(env, secretEnvName(connector, name)) === undefined ? 'store' : 'env' });
  }
  for (const spec of scheme.injectedSecrets) {
    if (listed.has(spec.name) || readEnv(env, secretEnvName(connector, spec.name)) === undefined) continue;
    add({ name: spec.name, source: 'env' });
  }
  return entries;
}

/**
 * Every name a connection's secrets may be stored under: the required secrets and their aliases,
 * then the scheme's injected names (seeds such as `oauth_refresh_token`). What a store that cannot
 * list its secrets is asked for.
 */
export function secretNamesOf(scheme: Pick<AuthScheme, 'requiredSecrets' | 'injectedSecrets'>, declared: SecretDeclaration[] = []): string[] {
  const names = collectRequiredSecrets(scheme, declared).flatMap((spec) => [spec.name, ...(spec.aliases ?? [])]);
  return [...new Set([...names, ...scheme.injectedSecrets.map((spec) => spec.name)])];
}

/**
 * The required secrets: the scheme's, then the manifest's (its snake_case keys mapped). A name
 * both give is one secret: optional only when both say so, empty values allowed when either says
 * so (a manifest may declare `password` with `allow_empty: true` for Basic), the manifest's
 * `default` before the scheme's.
 */
export function collectRequiredSecrets(
  scheme: Pick<AuthScheme, 'requiredSecrets'>,
  declared: SecretDeclaration[] = [],
): SecretSpec[] {
  const specs = new Map<string, SecretSpec>();
  const all: SecretSpec[] = [...scheme.requiredSecrets, ...declared.map(specOfDeclaration)];
  for (const spec of all) {
    const known = specs.get(spec.name);
    if (!known) {
      specs.set(spec.name, { ...spec });
      continue;
    }
    const aliases = [...(known.aliases ?? []), ...(spec.aliases ?? [])];
    const fallback = spec.default ?? known.default;
    specs.set(spec.name, {
      ...known,
      optional: Boolean(known.optional) && Boolean(spec.optional),
      ...(known.allowEmpty || spec.allowEmpty ? { allowEmpty: true } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(aliases.length > 0 ? { aliases } : {}),
    });
  }
  return [...specs.values()];
}

/** A manifest `secrets:` entry as a {@link SecretSpec}: `allow_empty` -> `allowEmpty`. */
function specOfDeclaration(declaration: SecretDeclaration): SecretSpec {
  const { allow_empty: allowEmpty, ...rest } = declaration;
  return allowEmpty === undefined ? rest : { ...rest, allowEmpty };
}

/** True when `value` counts as set for `spec`: not empty, unless the spec allows empty values. */
export function isSecretValueSet(value: string | undefined, spec: Pick<SecretSpec, 'allowEmpty'>): value is string {
  return value !== undefined && (value !== '' || spec.allowEmpty === true);
}

/** The first of `names` set in the environment, else the first in the store, else the spec's default. */
function findSecret(
  connector: string,
  names: string[],
  env: NodeJS.ProcessEnv,
  stored: Record<string, string>,
  spec: Pick<SecretSpec, 'allowEmpty' | 'default'>,
): { value: string; source: SecretSource } | undefined {
  for (const name of names) {
    const value = env[secretEnvName(connector, name)];
    if (isSecretValueSet(value, spec)) return { value, source: 'env' };
  }
  for (const name of names) {
    const value = Object.hasOwn(stored, name) ? stored[name] : undefined;
    if (isSecretValueSet(value, spec)) return { value, source: 'store' };
  }
  return spec.default === undefined ? undefined : { value: spec.default, source: 'default' };
}

function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
