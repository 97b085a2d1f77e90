/**
 * The callers of `connectors serve` as the file store keeps them: one JSON file `<home>/callers.json`
 * (mode 0600, every write atomic, read-modify-write under `<home>/locks/callers.lock`). It holds
 * only SHA-256 digests of the caller keys and their grants, never a key, so it needs no
 * encryption. Reads are cached until the file changes ({@link VersionCache}), so a server that
 * checks every request costs one `stat` per check and reads the file only after `callers add/remove`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SecretStoreError } from '../errors.js';
import { type LockOptions, withLock } from '../sessions/lock.js';
import { hasCode, writeFileAtomic } from './atomic-file.js';
import { readFileVersion, VersionCache, type FileVersion } from './file-version.js';
import type { StoredCaller } from './store.js';
import { makeDirectory } from '../make-directory.js';

interface CallerFileData {
  version: 1;
  callers: StoredCaller[];
}

/** The caller list of a {@link FileStore}: `<home>/callers.json`. */
export class CallerFile {
  readonly path: string;
  readonly lockPath: string;
  private readonly lockOptions: LockOptions;
  private readonly cache = new VersionCache<StoredCaller[]>();

  constructor(home: string, lockOptions: LockOptions = {}) {
    this.path = join(home, 'callers.json');
    this.lockPath = join(home, 'locks', 'callers.lock');
    this.lockOptions = lockOptions;
  }

  /** Every stored caller, sorted by name (copies). */
  async list(): Promise<StoredCaller[]> {
    return (await this.read()).map((caller) => ({ ...caller, allow: [...caller.allow] }));
  }

  /** Adds `caller` or replaces the one of its name. */
  async put(caller: StoredCaller): Promise<void> {
    assertCallerShape(caller, 'a caller to store');
    await this.update((callers) => [...callers.filter((other) => other.name !== caller.name), { ...caller, allow: [...caller.allow] }]);
  }

  /** Removes the caller `name`; false when there was none. */
  async delete(name: string): Promise<boolean> {
    let deleted = false;
    await this.update((callers) => {
      const kept = callers.filter((caller) => caller.name !== name);
      deleted = kept.length !== callers.length;
      return deleted ? kept : undefined;
    });
    return deleted;
  }

  private async update(change: (callers: StoredCaller[]) => StoredCaller[] | undefined): Promise<void> {
    await makeDirectory(dirname(this.lockPath), 0o700);
    await withLock(
      this.lockPath,
      async () => {
        this.cache.clear(); // re-read under the lock: another process may have written
        const next = change(await this.read());
        if (next === undefined) return;
        next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const data: CallerFileData = { version: 1, callers: next };
        await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`, 0o600);
        this.cache.clear();
      },
      this.lockOptions,
    );
  }

  private async read(): Promise<StoredCaller[]> {
    let version: FileVersion | undefined;
    try {
      version = readFileVersion(this.path);
    } catch (error) {
      throw new SecretStoreError(`Cannot read the caller list ${this.path}.`, { cause: error });
    }
    if (version === undefined) return [];
    const cached = this.cache.get(version);
    if (cached) return cached;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw new SecretStoreError(`Cannot read the caller list ${this.path}.`, { cause: error });
    }
    const callers = this.parse(text);
    this.cache.set(version, callers);
    return callers;
  }

  private parse(text: string): StoredCaller[] {
    const corrupt = () => new SecretStoreError(`${this.path} is not a readable caller list (corrupt); it is left untouched.`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw corrupt();
    }
    const data = value as Partial<CallerFileData> | null;
    if (typeof data !== 'object' || data === null || data.version !== 1 || !Array.isArray(data.callers)) throw corrupt();
    for (const caller of data.callers) {
      if (!isStoredCaller(caller)) throw corrupt();
    }
    return data.callers;
  }
}

function isStoredCaller(value: unknown): value is StoredCaller {
  if (typeof value !== 'object' || value === null) return false;
  const caller = value as Record<string, unknown>;
  return (
    typeof caller.name === 'string' &&
    typeof caller.keySha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(caller.keySha256) &&
    Array.isArray(caller.allow) &&
    caller.allow.every((glob) => typeof glob === 'string') &&
    typeof caller.credentials === 'boolean' &&
    typeof caller.metrics === 'boolean' &&
    typeof caller.createdAt === 'string'
  );
}

/** Refuses to store something that is not a {@link StoredCaller} (a key where its digest belongs, say). */
export function assertCallerShape(caller: StoredCaller, what: string): void {
  if (!isStoredCaller(caller) || caller.name === '' || caller.name === '__proto__') {
    throw new SecretStoreError(`Cannot store ${what}: it needs a name, a SHA-256 hex keySha256, allow globs, credentials, metrics and createdAt.`);
  }
}
