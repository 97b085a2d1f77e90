/**
 * The embedded default secret store (DESIGN.md section 5): one file `<home>/secrets.enc`,
 * AES-256-GCM, key from `CONNECTORS_SECRET_KEY` or `<home>/secret.key`; mode 0600; every write
 * atomic. Reads need no lock (writes are atomic renames); every read-modify-write holds a short
 * store-wide lock (`<home>/locks/secrets.lock`), so processes writing at once lose no update.
 * A store that does not decrypt or parse is an error and is never overwritten. A read is decrypted
 * once per version of the file (its inode, size and times; see {@link VersionCache}), so a server
 * that reads a session per request costs one `stat` per read. The callers of
 * `connectors serve` live beside it in `<home>/callers.json` ({@link CallerFile}).
 */
import { describeSystemError } from '../describe-system-error.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretStoreError } from '../errors.js';
import { type LockOptions, withLock } from '../sessions/lock.js';
import { hasCode, isTempFileOf, unlinkQuietly, writeFileAtomic } from './atomic-file.js';
import { CallerFile } from './caller-file.js';
import { readFileVersion, VersionCache, type FileVersion } from './file-version.js';
import { assertStorableName, type ConnectionRef, type RekeyCounts, type SecretStore, type StoredCaller, type StoredSession } from './store.js';
import { openStore, sealStore } from './store-envelope.js';
import { readKeyFile, readKeyFromEnv, readOrCreateKeyFile, readPreviousKeyBytes, type StoreKey } from './store-key.js';
import { makeDirectory } from '../make-directory.js';

export interface FileStoreOptions {
  /** The folder holding the store, `CONNECTORS_HOME`; created (mode 0700) on the first write. */
  home: string;
  /** Where `CONNECTORS_SECRET_KEY` is read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Options of the store-wide write lock (tests shorten `staleMs`). */
  lock?: LockOptions;
}


interface ConnectionEntry {
  secrets: Record<string, string>;
  session?: StoredSession;
}

/** The decrypted content: connector -> connection -> entry. */
interface StoreData {
  connectors: Record<string, Record<string, ConnectionEntry>>;
}

/** The embedded {@link SecretStore}: one encrypted file under `home`. */
export class FileStore implements SecretStore {
  /** `<home>/secrets.enc`. */
  readonly path: string;
  /** `<home>/secret.key`, used when `CONNECTORS_SECRET_KEY` is unset. */
  readonly keyPath: string;
  /** `<home>/locks/secrets.lock`. */
  readonly lockPath: string;
  private readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly lockOptions: LockOptions;
  private key?: StoreKey;
  private readonly callers: CallerFile;
  private readonly readCache = new VersionCache<StoreData>();

  constructor(options: FileStoreOptions) {
    this.path = join(options.home, 'secrets.enc');
    this.keyPath = join(options.home, 'secret.key');
    this.lockPath = join(options.home, 'locks', 'secrets.lock');
    this.env = options.env ?? process.env;
    this.lockOptions = options.lock ?? {};
    this.home = options.home;
    this.callers = new CallerFile(options.home, this.lockOptions);
  }

  /** `<home>/callers.json`: the callers of `connectors serve` (key digests and grants). */
  get callersPath(): string {
    return this.callers.path;
  }

  async getSecrets(ref: ConnectionRef): Promise<Record<string, string>> {
    const data = await this.read();
    return { ...findEntry(data, ref)?.secrets };
  }

  async setSecret(ref: ConnectionRef, name: string, value: string): Promise<void> {
    assertStorableName(ref, name);
    await this.update((data) => {
      entryOf(data, ref).secrets[name] = value;
    });
  }

  async deleteSecret(ref: ConnectionRef, name: string): Promise<boolean> {
    let deleted = false;
    await this.update((data) => {
      const entry = findEntry(data, ref);
      if (!entry || !Object.hasOwn(entry.secrets, name)) return false;
      delete entry.secrets[name];
      prune(data, ref);
      deleted = true;
      return true;
    });
    return deleted;
  }

  async getSession(ref: ConnectionRef): Promise<StoredSession | undefined> {
    const data = await this.read();
    const session = findEntry(data, ref)?.session;
    // A copy: the decrypted content is kept for the next read and must not change under it.
    return session === undefined ? undefined : structuredClone(session);
  }

  async setSession(ref: ConnectionRef, session: StoredSession | undefined): Promise<void> {
    assertStorableName(ref);
    await this.update((data) => {
      if (session !== undefined) {
        entryOf(data, ref).session = structuredClone(session);
        return true;
      }
      const entry = findEntry(data, ref);
      if (!entry?.session) return false;
      delete entry.session;
      prune(data, ref);
      return true;
    });
  }

  async listConnections(connector: string): Promise<string[]> {
    const data = await this.read();
    if (!Object.hasOwn(data.connectors, connector)) return [];
    return Object.keys(data.connectors[connector] ?? {}).sort();
  }

  /**
   * The connectors holding a secret or a session, sorted. The file store keeps no states (they are
   * files under CONNECTORS_HOME, `FileStateStore`, which lists its own).
   */
  async listConnectors(): Promise<string[]> {
    const data = await this.read();
    return Object.keys(data.connectors)
      .filter((connector) => Object.keys(data.connectors[connector] ?? {}).length > 0)
      .sort();
  }

  async listCallers(): Promise<StoredCaller[]> {
    return this.callers.list();
  }

  async putCaller(caller: StoredCaller): Promise<void> {
    await makeDirectory(this.home, 0o700);
    await this.callers.put(caller);
  }

  async deleteCaller(name: string): Promise<boolean> {
    return this.callers.delete(name);
  }

  /**
   * Re-encrypts the store under the current key (`connectors secrets rekey`), opening it with a
   * previous key (CONNECTORS_SECRET_KEY_PREVIOUS) when it was sealed with one. A store no key
   * opens is an error and is left as it is. The callers file holds only digests and is not
   * encrypted; states are plain files: neither is rewritten.
   */
  async rekey(): Promise<RekeyCounts> {
    const counts: RekeyCounts = { secrets: 0, sessions: 0, states: 0, callers: 0 };
    await this.update((data) => {
      for (const connections of Object.values(data.connectors)) {
        for (const entry of Object.values(connections)) {
          counts.secrets += Object.keys(entry.secrets).length;
          if (entry.session) counts.sessions += 1;
        }
      }
      return true; // always rewrite: sealed under the current key
    });
    return counts;
  }

  /**
   * Read-modify-write under the store lock. `change` returns false when it changed nothing, and
   * the file is then not rewritten. Temp files left by a writer that crashed are removed.
   */
  private async update(change: (data: StoreData) => boolean | void): Promise<void> {
    await makeDirectory(this.home, 0o700);
    await withLock(
      this.lockPath,
      async () => {
        await this.removeCrashLeftovers();
        const exists = await this.readText();
        const key = await this.loadKey(exists !== undefined, true);
        const data = exists === undefined ? emptyData() : this.decode(exists, key);
        if (change(data) === false) return;
        this.readCache.clear();
        await writeFileAtomic(this.path, sealStore(data, key.key), 0o600);
      },
      this.lockOptions,
    );
  }

  /** The decrypted content, as cached for the file's current version, else read now. */
  private async read(): Promise<StoreData> {
    const version = this.version();
    if (version === undefined) return emptyData();
    const cached = this.readCache.get(version);
    if (cached) return cached;
    const text = await this.readText();
    if (text === undefined) return emptyData();
    const data = this.decode(text, await this.loadKey(true, false));
    this.readCache.set(version, data);
    return data;
  }

  /** The file's version stamp, undefined when there is no file. */
  private version(): FileVersion | undefined {
    try {
      return readFileVersion(this.path);
    } catch (error) {
      throw new SecretStoreError(describeSystemError(error) ?? `Cannot read the secret store ${this.path}.`, { cause: error });
    }
  }

  private decode(text: string, key: StoreKey): StoreData {
    const value = openStore(text, key.key, this.path, key.source, readPreviousKeyBytes(this.env)) as Partial<StoreData>;
    if (typeof value !== 'object' || value === null || typeof value.connectors !== 'object' || value.connectors === null) {
      throw new SecretStoreError(`${this.path} is not a readable secret store (corrupt); it is left untouched.`);
    }
    return value as StoreData;
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return undefined;
      throw new SecretStoreError(describeSystemError(error) ?? `Cannot read the secret store ${this.path}.`, { cause: error });
    }
  }

  /**
   * The key: `CONNECTORS_SECRET_KEY`, else the key file. A missing key file is created only for a
   * store that does not exist yet; an existing store without its key is an error, never a new key.
   */
  private async loadKey(storeExists: boolean, mayCreate: boolean): Promise<StoreKey> {
    if (this.key) return this.key;
    const fromEnv = readKeyFromEnv(this.env);
    if (fromEnv) return (this.key = fromEnv);
    const fromFile = await readKeyFile(this.keyPath);
    if (fromFile) return (this.key = fromFile);
    if (storeExists || !mayCreate) {
      throw new SecretStoreError(
        `Cannot decrypt ${this.path}: its key file ${this.keyPath} is missing and CONNECTORS_SECRET_KEY is not set; the store is left untouched.`,
      );
    }
    return (this.key = await readOrCreateKeyFile(this.keyPath));
  }

  private async removeCrashLeftovers(): Promise<void> {
    const names = await readdir(this.home);
    for (const name of names) {
      if (isTempFileOf(this.path, name)) await unlinkQuietly(join(this.home, name));
    }
  }
}

function emptyData(): StoreData {
  return { connectors: {} };
}

function findEntry(data: StoreData, ref: ConnectionRef): ConnectionEntry | undefined {
  if (!Object.hasOwn(data.connectors, ref.connector)) return undefined;
  const connections = data.connectors[ref.connector] ?? {};
  return Object.hasOwn(connections, ref.connection) ? connections[ref.connection] : undefined;
}

function entryOf(data: StoreData, ref: ConnectionRef): ConnectionEntry {
  const connections = (data.connectors[ref.connector] ??= {});
  return (connections[ref.connection] ??= { secrets: {} });
}

function prune(data: StoreData, ref: ConnectionRef): void {
  const connections = data.connectors[ref.connector];
  const entry = findEntry(data, ref);
  if (!connections || !entry || entry.session || Object.keys(entry.secrets).length > 0) return;
  delete connections[ref.connection];
  if (Object.keys(connections).length === 0) delete data.connectors[ref.connector];
}
