/**
 * Crash-safe file writes for the secret store, its key file and the lock files: a reader sees the
 * old content or the new, never a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` atomically: writes a temp file in the same folder (mode `mode`), fsyncs it,
 * renames it over `path`, then fsyncs the folder so the rename itself survives a crash.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temp = tempPathFor(path);
  const file = await open(temp, 'wx', mode);
  try {
    await file.writeFile(data);
    await file.chmod(mode);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlinkQuietly(temp);
    throw error;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlinkQuietly(temp);
    throw error;
  }
  await syncFolder(dirname(path));
}

/**
 * Creates `path` with `data` only if it does not exist yet; false when it does. The content is
 * complete or absent: it is written to a temp file and hard-linked into place (a link fails with
 * EEXIST exactly like an exclusive `wx` create). Filesystems without hard links fall back to `wx`.
 * `durable: false` skips the fsyncs (lock files need atomicity, not durability).
 */
export async function createFileExclusive(
  path: string,
  data: string | Buffer,
  mode = 0o600,
  durable = true,
): Promise<boolean> {
  const temp = tempPathFor(path);
  const file = await open(temp, 'wx', mode);
  try {
    await file.writeFile(data);
    await file.chmod(mode);
    if (durable) await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    if (durable) await syncFolder(dirname(path));
    return true;
  } catch (error) {
    if (hasCode(error, 'EEXIST')) return false;
    if (hasCode(error, 'EPERM') || hasCode(error, 'ENOTSUP') || hasCode(error, 'EXDEV')) {
      return createWithWx(path, data, mode);
    }
    throw error;
  } finally {
    await unlinkQuietly(temp);
  }
}

/** The temp files of `path` look like `.<name>.<pid>.<random>.tmp` beside it. */
export function isTempFileOf(path: string, candidate: string): boolean {
  return candidate.startsWith(`.${basename(path)}.`) && candidate.endsWith('.tmp');
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function createWithWx(path: string, data: string | Buffer, mode: number): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx', mode);
  } catch (error) {
    if (hasCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return true;
}

async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a folder; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Deletes a file; a file already gone is fine. */
export async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!hasCode(error, 'ENOENT')) throw error;
  }
}

/** True when `error` is a Node system error with this `code`. */
export function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
