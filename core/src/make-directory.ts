/**
 * `mkdir -p` that always ends: Node 20's recursive `mkdir` never settles (and spins at 100% CPU)
 * when the nearest existing folder is on a file system that answers ENOENT for a new entry, as
 * /proc and /sys do (`CONNECTORS_HOME=/proc/x`). This makes the missing folders one at a time,
 * top down, so such a file system's error reaches the caller.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasCode } from './secrets/atomic-file.js';

/**
 * Creates `path` and any missing parents (like `mkdir -p`); an existing folder is fine, an
 * existing file at `path` is its EEXIST error.
 */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      await mkdir(dir, { mode });
      break;
    } catch (error) {
      if (hasCode(error, 'EEXIST')) {
        if (dir === path && !(await stat(path)).isDirectory()) throw error;
        break;
      }
      if (!hasCode(error, 'ENOENT') || dirname(dir) === dir || missing.length > 64) throw error;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir, { mode });
    } catch (error) {
      if (!hasCode(error, 'EEXIST')) throw error;
    }
  }
}
