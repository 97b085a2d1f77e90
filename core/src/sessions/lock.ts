/**
 * A lock file per key (DESIGN.md section 8, "Lock" and "Dead lock holders"). Unlike a bare TTL
 * key (STYLE.md smell 3), the lock records its owner (pid, host, a random token), the holder
 * refreshes it while working (the file's mtime is the heartbeat), release deletes only the
 * holder's own lock, and a lock is taken over only when its holder is gone: at once when the
 * holder ran on this host and its pid is dead, else after `staleMs` without a heartbeat.
 *
 * Deleting a lock (release or takeover) happens under a short guard file (`<path>.guard`), so a
 * late release can never delete the lock a newer holder just created.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConnectorsError } from '../errors.js';
import { createFileExclusive, hasCode, unlinkQuietly } from '../secrets/atomic-file.js';
import { makeDirectory } from '../make-directory.js';

/** What a lock file holds. */
export interface LockRecord {
  pid: number;
  host: string;
  token: string;
  /** When the lock was taken (ISO-8601); later heartbeats move the file's mtime. */
  heartbeatAt: string;
}

export interface LockOptions {
  /** A holder silent this long (ms) is taken over. Default 30 000. */
  staleMs?: number;
  /** First wait between polls (ms), doubled up to `maxPollMs`, with jitter. Default 25. */
  pollMs?: number;
  /** Longest wait between polls (ms). Default 250. */
  maxPollMs?: number;
  /** How often the holder refreshes the lock (ms). Default `min(staleMs / 3, 10 000)`. */
  heartbeatMs?: number;
  /** Give up waiting after this long (ms). Default 300 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A held lock. */
export interface LockHandle {
  readonly path: string;
  readonly token: string;
  /** True once a heartbeat found the lock taken over by another holder. */
  readonly lost: boolean;
  /** Stops the heartbeat and deletes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

/** A lock that could not be taken in time. */
export class LockTimeoutError extends ConnectorsError {
  constructor(message: string) {
    super(message, { code: 'ERR_LOCK_TIMEOUT' });
  }
}

const DEFAULT_STALE_MS = 30_000;

/** Takes the lock at `path`, waiting (polling with backoff) while a live holder has it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<LockHandle> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const maxPollMs = options.maxPollMs ?? 250;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(16).toString('hex'),
    heartbeatAt: new Date().toISOString(),
  };
  await makeDirectory(dirname(path), 0o700);
  let delay = options.pollMs ?? 25;
  for (;;) {
    options.signal?.throwIfAborted();
    record.heartbeatAt = new Date().toISOString();
    if (await createExclusive(path, record)) {
      return startHolding(path, record, options.heartbeatMs ?? Math.min(staleMs / 3, 10_000), staleMs);
    }
    const holder = await readHolder(path);
    if (holder && isStale(holder, staleMs)) {
      await removeIfStale(path, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder?.record ? ` held by pid ${holder.record.pid} on ${holder.record.host}` : '';
      throw new LockTimeoutError(`Timed out waiting for the lock ${path}${who}.`);
    }
    await sleep(delay / 2 + Math.random() * (delay / 2), options.signal);
    delay = Math.min(delay * 2, maxPollMs);
  }
}

/** Runs `fn` while holding the lock at `path`; releases it however `fn` ends. */
export async function withLock<T>(
  path: string,
  fn: (lock: LockHandle) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

/** Reads a lock file: its record (undefined while being written) and mtime; undefined if absent. */
export async function readHolder(path: string): Promise<{ record?: LockRecord; mtimeMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { record: parseRecord(text), mtimeMs: info.mtimeMs };
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function startHolding(path: string, record: LockRecord, heartbeatMs: number, staleMs: number): LockHandle {
  let lost = false;
  let released = false;
  const timer = setInterval(() => {
    void beat().catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  async function beat(): Promise<void> {
    const holder = await readHolder(path);
    if (holder?.record?.token !== record.token) {
      lost = true;
      clearInterval(timer);
      return;
    }
    const now = new Date();
    await utimes(path, now, now);
  }
  return {
    path,
    token: record.token,
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await withGuard(path, staleMs, async () => {
        const holder = await readHolder(path);
        if (holder?.record?.token === record.token) await unlinkQuietly(path);
      });
    },
  };
}

async function removeIfStale(path: string, staleMs: number): Promise<void> {
  await withGuard(path, staleMs, async () => {
    const holder = await readHolder(path);
    if (holder && isStale(holder, staleMs)) await unlinkQuietly(path);
  });
}

/** Serialises deletions of one lock file: a tiny lock of its own, taken over by the same rules. */
async function withGuard(path: string, staleMs: number, fn: () => Promise<void>): Promise<void> {
  const guard = `${path}.guard`;
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    heartbeatAt: new Date().toISOString(),
  };
  let delay = 2;
  while (!(await createExclusive(guard, record))) {
    const holder = await readHolder(guard);
    if (holder && isStale(holder, staleMs)) {
      await unlinkQuietly(guard);
      continue;
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    await fn();
  } finally {
    await unlinkQuietly(guard);
  }
}

/** A holder on this host whose pid is gone is stale at once; any other after `staleMs` silent. */
function isStale(holder: { record?: LockRecord; mtimeMs: number }, staleMs: number): boolean {
  const { record } = holder;
  if (record && record.host === hostname() && !isProcessAlive(record.pid)) return true;
  return Date.now() - holder.mtimeMs > staleMs;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasCode(error, 'EPERM');
  }
}

async function createExclusive(path: string, record: LockRecord): Promise<boolean> {
  return createFileExclusive(path, JSON.stringify(record), 0o600, false);
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return value as LockRecord;
    }
  } catch {
    // A lock being written, or garbage: judged by its mtime only.
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
