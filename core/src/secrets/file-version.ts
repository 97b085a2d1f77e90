/**
 * Reading a store file once per version of it: {@link readFileVersion} stamps the file (inode,
 * size, modification and change times) without reading it, and a {@link VersionCache} keeps what
 * was parsed from one version. `connectors serve` reads the caller list and a session on every
 * request, so a check costs one `stat`, done synchronously: on a local file it takes a few
 * microseconds, where the thread pool's round trip costs ten times as much CPU.
 */
import { statSync } from 'node:fs';
import { hasCode } from './atomic-file.js';

/** What is known of a version of a file without reading it. */
export interface FileVersion {
  stamp: string;
  /** The file's last change (mtime or ctime), epoch ms. */
  changedAtMs: number;
}

/** How long after its last change a file's stamp is trusted to tell its versions apart. */
export const SETTLED_MS = 2_000;

/** The version of `path` now, undefined when there is no such file; other errors are thrown. */
export function readFileVersion(path: string): FileVersion | undefined {
  try {
    const info = statSync(path);
    return { stamp: `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`, changedAtMs: Math.max(info.mtimeMs, info.ctimeMs) };
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * What was parsed from the last version of a file read. A version is kept only when its file had
 * not changed for {@link SETTLED_MS} when it was stamped ("racy git"): a file rewritten within one
 * timestamp tick of a read may keep its stamp (a reused inode, the same size, the same coarse
 * time), so such a read is not kept and the next read parses the file again. Stamp the file
 * before reading it: a change in between is then seen as a new version next time.
 */
export class VersionCache<T> {
  private entry?: { stamp: string; value: T };

  get(version: FileVersion): T | undefined {
    return this.entry?.stamp === version.stamp ? this.entry.value : undefined;
  }

  set(version: FileVersion, value: T): void {
    // The real wall clock (a test may shift Date), as the file system stamps the file.
    const age = performance.timeOrigin + performance.now() - version.changedAtMs;
    this.entry = age >= SETTLED_MS ? { stamp: version.stamp, value } : undefined;
  }

  clear(): void {
    this.entry = undefined;
  }
}
