/**
 * `connectors callers add/list/remove` as library calls (DESIGN.md section 9): a new caller gets a
 * random key that is returned once and never stored; the store keeps its SHA-256 and the grants.
 */
import { ConnectorsError, UsageError } from '../errors.js';
import { CLOCK, SECRET_STORE, type Clock } from '../container.js';
import type { Project } from '../runtime/open-project.js';
import type { SecretStore, StoredCaller } from '../secrets/store.js';
import { isAllowGlob } from './caller-globs.js';
import { generateCallerKey, hashCallerKey } from './caller-keys.js';
import { isCallerName } from './caller-names.js';

/** What `callers add` is told. */
export interface AddCallerOptions {
  name: string;
  /** `<connector>/<connection>` globs, at least one. */
  allow: string[];
  credentials?: boolean;
  metrics?: boolean;
}

/** A caller as `callers list` shows it: never its key nor the key's digest. */
export interface CallerDescription {
  name: string;
  allow: string[];
  credentials: boolean;
  metrics: boolean;
  createdAt: string;
}

/**
 * Adds a caller and returns its key, the only time the key exists outside the caller's hands. A
 * bad name or glob is a `UsageError`; a name already taken is an error (remove it first), so a
 * key in use is never replaced by accident.
 */
export async function addCaller(project: Project, options: AddCallerOptions): Promise<{ caller: CallerDescription; key: string }> {
  checkCallerName(options.name);
  if (options.allow.length === 0) throw new UsageError('A caller needs at least one --allow <connector>/<connection> glob.');
  for (const glob of options.allow) {
    if (!isAllowGlob(glob)) {
      throw new UsageError(`"${glob}" is not a <connector>/<connection> glob (two parts of letters, digits, "_", "-", "." and "*", e.g. tripletex/* or */acme).`);
    }
  }
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  const existing = await store.listCallers();
  if (existing.some((caller) => caller.name === options.name)) {
    throw new ConnectorsError(`A caller named "${options.name}" exists already; remove it first with "connectors callers remove ${options.name}".`, { code: 'ERR_CALLER_EXISTS' });
  }
  const key = generateCallerKey();
  const stored: StoredCaller = {
    name: options.name,
    keySha256: hashCallerKey(key),
    allow: [...new Set(options.allow)],
    credentials: options.credentials === true,
    metrics: options.metrics === true,
    createdAt: project.container.resolve<Clock>(CLOCK).now().toISOString(),
  };
  await store.putCaller(stored);
  return { caller: describeCaller(stored), key };
}

/** Every caller, sorted by name, without keys or digests. */
export async function listCallers(project: Project): Promise<CallerDescription[]> {
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  return (await store.listCallers()).map(describeCaller);
}

/** Removes a caller; its key stops working at once. An unknown name is an error (exit 1). */
export async function removeCaller(project: Project, name: string): Promise<void> {
  checkCallerName(name);
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  if (!(await store.deleteCaller(name))) {
    throw new ConnectorsError(`There is no caller named "${name}"; "connectors callers list" shows them.`, { code: 'ERR_CALLER_UNKNOWN' });
  }
}

function checkCallerName(name: string): void {
  if (!isCallerName(name)) {
    throw new UsageError(`"${name}" is not a valid caller name (letters, digits, "_", "-" and ".", not starting with "." or "-", at most 64).`);
  }
}

function describeCaller(caller: StoredCaller): CallerDescription {
  return { name: caller.name, allow: [...caller.allow], credentials: caller.credentials, metrics: caller.metrics, createdAt: caller.createdAt };
}
