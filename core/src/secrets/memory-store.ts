import { assertCallerShape } from './caller-file.js';
import { assertStorableName, type ConnectionRef, type SecretStore, type StoredCaller, type StoredSession } from './store.js';

interface ConnectionEntry {
  secrets: Record<string, string>;
  session?: StoredSession;
}

/**
 * A {@link SecretStore} kept in memory, for tests and embedders that bring their own persistence.
 * Values are copied in and out, so callers never share objects with the store.
 */
export class MemoryStore implements SecretStore {
  private readonly connections = new Map<string, ConnectionEntry>();
  private readonly callers = new Map<string, StoredCaller>();

  async getSecrets(ref: ConnectionRef): Promise<Record<string, string>> {
    return { ...this.connections.get(keyOf(ref))?.secrets };
  }

  async setSecret(ref: ConnectionRef, name: string, value: string): Promise<void> {
    assertStorableName(ref, name);
    this.entry(ref).secrets[name] = value;
  }

  async deleteSecret(ref: ConnectionRef, name: string): Promise<boolean> {
    const entry = this.connections.get(keyOf(ref));
    if (!entry || !Object.hasOwn(entry.secrets, name)) return false;
    delete entry.secrets[name];
    this.prune(ref);
    return true;
  }

  async getSession(ref: ConnectionRef): Promise<StoredSession | undefined> {
    const session = this.connections.get(keyOf(ref))?.session;
    return session === undefined ? undefined : structuredClone(session);
  }

  async setSession(ref: ConnectionRef, session: StoredSession | undefined): Promise<void> {
    if (session === undefined) {
      const entry = this.connections.get(keyOf(ref));
      if (entry) delete entry.session;
      this.prune(ref);
      return;
    }
    assertStorableName(ref);
    this.entry(ref).session = structuredClone(session);
  }

  async listConnections(connector: string): Promise<string[]> {
    const prefix = `${connector}\u0000`;
    return [...this.connections.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
      .sort();
  }

  async listConnectors(): Promise<string[]> {
    return [...new Set([...this.connections.keys()].map((key) => key.slice(0, key.indexOf('\u0000'))))].sort();
  }

  async listCallers(): Promise<StoredCaller[]> {
    return [...this.callers.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((caller) => structuredClone(caller));
  }

  async putCaller(caller: StoredCaller): Promise<void> {
    assertCallerShape(caller, 'a caller to store');
    this.callers.set(caller.name, structuredClone(caller));
  }

  async deleteCaller(name: string): Promise<boolean> {
    return this.callers.delete(name);
  }

  private entry(ref: ConnectionRef): ConnectionEntry {
    const key = keyOf(ref);
    let entry = this.connections.get(key);
    if (!entry) {
      entry = { secrets: {} };
      this.connections.set(key, entry);
    }
    return entry;
  }

  private prune(ref: ConnectionRef): void {
    const entry = this.connections.get(keyOf(ref));
    if (entry && !entry.session && Object.keys(entry.secrets).length === 0) this.connections.delete(keyOf(ref));
  }
}

function keyOf(ref: ConnectionRef): string {
  return `${ref.connector}\u0000${ref.connection}`;
}
