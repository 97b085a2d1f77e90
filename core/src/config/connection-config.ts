/**
 * Per-connection config (DESIGN.md section 12): non-secret values stored with a connection (a Jira
 * subdomain, a tenant id). They live as one reserved entry, {@link CONNECTION_CONFIG_ENTRY}, in the
 * connection's secret-store record, holding the values as JSON: so they travel with the connection
 * in every store kind (file, PostgreSQL, command, plugins) and `store copy` carries them like any
 * secret, with no change to the `SecretStore` interface. `secrets list` and secret resolution skip
 * the entry.
 */
import { SecretStoreError } from '../errors.js';
import type { ConnectionRef, SecretStore } from '../secrets/store.js';

/**
 * The secret name the connection's config is stored under. It cannot collide with a secret a
 * user sets: `secrets set` refuses it.
 */
export const CONNECTION_CONFIG_ENTRY = 'connectors.connection-config';

/** True for the reserved entry's name. */
export function isConnectionConfigEntry(name: string): boolean {
  return name === CONNECTION_CONFIG_ENTRY;
}

/** The connection's stored config values (`{}` when none). */
export async function readConnectionConfig(store: SecretStore, ref: ConnectionRef): Promise<Record<string, unknown>> {
  const stored = await store.getSecrets(ref, [CONNECTION_CONFIG_ENTRY]);
  const text = Object.hasOwn(stored, CONNECTION_CONFIG_ENTRY) ? stored[CONNECTION_CONFIG_ENTRY] : undefined;
  if (text === undefined || text === '') return {};
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    values = undefined;
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new SecretStoreError(
      `The stored config of ${ref.connector} (${ref.connection}) is not a JSON object; remove it with \`connectors secrets delete ${ref.connector} ${CONNECTION_CONFIG_ENTRY}\` and set the values again.`,
    );
  }
  return values as Record<string, unknown>;
}

/** Replaces the connection's stored config; an empty object removes the entry. */
export async function writeConnectionConfig(store: SecretStore, ref: ConnectionRef, values: Record<string, unknown>): Promise<void> {
  if (Object.keys(values).length === 0) {
    await store.deleteSecret(ref, CONNECTION_CONFIG_ENTRY);
    return;
  }
  await store.setSecret(ref, CONNECTION_CONFIG_ENTRY, JSON.stringify(values));
}
