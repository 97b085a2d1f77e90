import { isConnectionConfigEntry } from '../config/connection-config.js';
import { UsageError, ConnectorsError } from '../errors.js';
import { collectRequiredSecrets, describeSecrets, type SecretDescription } from '../secrets/resolve.js';
import { setSecretAndDiscardSession } from '../secrets/store.js';
import { warnIfStoredSecretTooShort } from '../secrets/short-secret-warning.js';
import { openConnectorTarget, type ConnectionOptions } from './open-connection.js';
import type { Project } from './open-project.js';
import { connectionSecretSpecs } from '../auth/connection-secret-specs.js';

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The name a secret is stored under: an alias (e.g. `consumer_token`) maps to its spec's name. */
function canonicalSecretName(name: string, specs: readonly { name: string; aliases?: string[] }[]): string {
  return specs.find((spec) => spec.aliases?.includes(name))?.name ?? name;
}

/**
 * `connectors secrets set`: stores one secret of a connection. When the connection's session
 * holds that name (e.g. `oauth_refresh_token`), the session is discarded so the new value is used
 * (DESIGN.md section 8 "Secret precedence"). Runs under the connection's lock. A value too short to
 * be redacted is stored with a warning (DESIGN.md section 8 "Redaction"). An empty value is a
 * `UsageError` unless the secret is declared `allow_empty`.
 * @returns the stored name and whether a session was discarded.
 */
export async function setConnectionSecret(
  project: Project,
  options: ConnectionOptions & { secret: string; value: string },
): Promise<{ name: string; sessionDiscarded: boolean }> {
  if (!SECRET_NAME.test(options.secret)) {
    throw new UsageError(`"${options.secret}" is not a valid secret name (letters, digits, "_", "-" and "." only).`);
  }
  if (isConnectionConfigEntry(options.secret)) {
    throw new UsageError(`"${options.secret}" is reserved for the connection's config; use \`connectors config set\`.`);
  }
  const target = await openConnectorTarget(project, options);
  const scheme = target.registered.scheme;
  const name = canonicalSecretName(options.secret, scheme.requiredSecrets);
  const spec = collectRequiredSecrets(connectionSecretSpecs(scheme, target.manifest), target.manifest.secrets).find((s) => s.name === name);
  if (options.value === '' && !spec?.allowEmpty) {
    throw new UsageError(
      `The value of ${options.secret} is empty; nothing was stored (declare the secret with \`allow_empty: true\` in the manifest's \`secrets:\` when empty is a value).`,
    );
  }
  const injected = scheme.injectedSecrets.map((spec) => spec.name);
  const result = await target.sessions.withConnectionLock(target.ref, () =>
    setSecretAndDiscardSession(target.store, target.ref, name, options.value, injected),
  );
  warnIfStoredSecretTooShort(target.log, { ...target.ref, name, value: options.value });
  return { name, sessionDiscarded: result.sessionDiscarded };
}

/** `connectors secrets list`: names, sources and expiries of a connection's secrets; never values. */
export async function listConnectionSecrets(project: Project, options: ConnectionOptions): Promise<SecretDescription[]> {
  const target = await openConnectorTarget(project, options);
  return describeSecrets({
    connector: target.manifest.name,
    connection: target.ref.connection,
    scheme: connectionSecretSpecs(target.registered.scheme, target.manifest),
    declared: target.manifest.secrets,
    store: target.store,
    env: project.env,
  });
}

/**
 * `connectors secrets delete`: removes one stored secret; a name that is not stored is an error
 * (exit 1). Deleting a secret the session holds discards the session too.
 */
export async function deleteConnectionSecret(project: Project, options: ConnectionOptions & { secret: string }): Promise<void> {
  const target = await openConnectorTarget(project, options);
  const name = canonicalSecretName(options.secret, target.registered.scheme.requiredSecrets);
  const deleted = await target.sessions.withConnectionLock(target.ref, async () => {
    const removed = await target.store.deleteSecret(target.ref, name);
    const session = await target.store.getSession(target.ref);
    if (removed && session && name in session.secrets) await target.store.setSession(target.ref, undefined);
    return removed;
  });
  if (!deleted) {
    throw new ConnectorsError(`No secret "${name}" is stored for ${target.ref.connector} (${target.ref.connection}).`, {
      code: 'ERR_SECRET_NOT_STORED',
      hint: `See what is stored with \`connectors secrets list ${target.ref.connector}\`.`,
    });
  }
}
