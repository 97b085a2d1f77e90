/**
 * The limits on a state (DESIGN.md section 8 "State"; issue 9): a state is a few bookmarks, so
 * 16 MiB is far beyond any real one, and a cap keeps a runaway or hostile file from costing a
 * gigabyte of memory on every later run of the connection. Nesting deeper than 1000 levels is
 * refused before parsing, so no recursive walk over the value can overflow the stack.
 */
import { open } from 'node:fs/promises';

/** The largest `--state` file, and the largest saved state, in bytes: 16 MiB. */
export const STATE_MAX_BYTES = 16 * 1024 * 1024;
/** The deepest a state may nest objects and arrays. */
export const STATE_MAX_DEPTH = 1000;

/** `bytes` in MiB for a message, one decimal (`16.0 MiB`). */
export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Reads a text file of at most `limit` bytes without reading more than `limit + 1` (so a
 * device or a pipe that never ends cannot exhaust memory).
 * @returns the text, or `undefined` when the file is larger than `limit`.
 */
export async function readTextWithin(path: string, limit: number): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(limit + 1, 1024 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) return undefined;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The deepest nesting of `[` and `{` in JSON text (or in lines of JSON), strings skipped, found
 * in one pass without parsing; stops counting once `limit` is passed.
 */
export function jsonNestingDepth(text: string, limit = STATE_MAX_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (char === 0x5d || char === 0x7d) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}
