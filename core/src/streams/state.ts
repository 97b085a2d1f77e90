import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConnectorsError, UsageError } from '../errors.js';
import type { CursorValue } from './incremental.js';
import { hasCode, writeFileAtomic } from '../secrets/atomic-file.js';
import { compareRefs, isFileSafeName, quoteName, type ConnectionRef } from '../secrets/store.js';
import { formatMiB, jsonNestingDepth, readTextWithin, STATE_MAX_BYTES, STATE_MAX_DEPTH } from './state-limits.js';
import { makeDirectory } from '../make-directory.js';

/**
 * The Singer STATE value (DESIGN.md section 8 "State"):
 * `{"bookmarks": {"<stream>": {"cursor": <value>}}}`. Other keys are kept as they were.
 */
export interface StateValue {
  bookmarks: Record<string, StreamBookmark>;
  [key: string]: unknown;
}

/** One stream's bookmark. */
export interface StreamBookmark {
  cursor?: CursorValue;
  [key: string]: unknown;
}

/** A state with no bookmarks. */
export function createEmptyState(): StateValue {
  return { bookmarks: {} };
}

/** The saved cursor of `stream`, or `undefined`. */
export function getStreamCursor(state: StateValue | undefined, stream: string): CursorValue | undefined {
  const cursor = state?.bookmarks[stream]?.cursor;
  return typeof cursor === 'string' || typeof cursor === 'number' ? cursor : undefined;
}

/** A copy of `state` with `stream`'s cursor set (the input is not changed). */
export function setStreamCursor(state: StateValue, stream: string, cursor: CursorValue): StateValue {
  return { ...state, bookmarks: { ...state.bookmarks, [stream]: { ...state.bookmarks[stream], cursor } } };
}

/**
 * Checks and normalises a parsed state: a STATE `value` (`{"bookmarks": ...}`, also what
 * `--output` writes to `state.json`), or a whole Singer message `{"type":"STATE","value":...}`.
 * @param source names the input in error messages (a file path).
 * @throws UsageError when the shape is wrong.
 */
export function parseStateValue(input: unknown, source: string): StateValue {
  let value = input;
  if (isObject(value) && value.type === 'STATE') value = value.value;
  else if (isObject(value) && typeof value.type === 'string') {
    throw new UsageError(`The state in ${source} is a Singer ${value.type} message, not a STATE.`);
  }
  if (!isObject(value)) throw new UsageError(`The state in ${source} is not a JSON object with "bookmarks".`);
  const bookmarks = value.bookmarks ?? {};
  if (!isObject(bookmarks)) throw new UsageError(`The state in ${source} has "bookmarks" that is not an object.`);
  for (const [stream, bookmark] of Object.entries(bookmarks)) {
    if (!isObject(bookmark)) throw new UsageError(`The state in ${source} has a bookmark for "${stream}" that is not an object.`);
    const cursor = bookmark.cursor;
    if (cursor !== undefined && typeof cursor !== 'string' && typeof cursor !== 'number') {
      throw new UsageError(`The state in ${source} has a cursor for "${stream}" that is not a string or a number.`);
    }
  }
  return { ...value, bookmarks: bookmarks as Record<string, StreamBookmark> };
}

/**
 * Reads a `--state FILE`: a STATE value object, the `state.json` that `--output` writes, a single
 * `{"type":"STATE","value":...}` message, or Singer output lines (the last STATE message wins).
 * At most {@link STATE_MAX_BYTES} (16 MiB) and {@link STATE_MAX_DEPTH} (1000) levels deep.
 * @throws UsageError naming the file when it is missing, too large, not JSON, or not a state.
 */
export async function loadStateFile(path: string): Promise<StateValue> {
  let text: string | undefined;
  try {
    text = await readTextWithin(path, STATE_MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `The state file ${path} does not exist.` : `The state file ${path} cannot be read (${code ?? 'error'}).`,
    );
  }
  if (text === undefined) {
    throw new UsageError(`The state file ${path} is larger than ${formatMiB(STATE_MAX_BYTES)}, the most a state may be.`, {
      hint: 'Pass the last STATE message or the state.json that --output writes, not a whole run\'s output.',
    });
  }
  return parseStateText(text, path);
}

/** Parses the text of a state file; see {@link loadStateFile}. */
export function parseStateText(text: string, source: string): StateValue {
  if (jsonNestingDepth(text) > STATE_MAX_DEPTH) {
    throw new UsageError(`The state in ${source} is nested deeper than ${STATE_MAX_DEPTH} levels, the most a state may be.`);
  }
  try {
    return parseStateValue(JSON.parse(text), source);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  let last: unknown;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      throw new UsageError(`The state file ${source} is not JSON.`, {
        hint: 'Pass a Singer STATE value, a STATE message, or the state.json that --output writes.',
      });
    }
    if (isObject(message) && message.type === 'STATE') last = message;
  }
  if (last === undefined) throw new UsageError(`The state file ${source} holds no STATE message.`);
  return parseStateValue(last, source);
}

/** Where a connection's state is kept between runs. */
export interface StateStore {
  /** The saved state, or `undefined` when there is none. */
  load(connector: string, connection: string): Promise<StateValue | undefined>;
  /** Replaces the saved state (atomically). */
  save(connector: string, connection: string, value: StateValue): Promise<void>;
  /** Optional: every connection with a saved state, sorted by connector, then connection (for `connectors store copy`). */
  list?(): Promise<ConnectionRef[]>;
}

/** Keeps state in `<home>/state/<connector>/<connection>.json`, written atomically. */
export class FileStateStore implements StateStore {
  constructor(readonly home: string) {}

  /** The file that holds a connection's state. */
  pathOf(connector: string, connection: string): string {
    return join(this.home, 'state', checkName(connector, 'connector'), `${checkName(connection, 'connection')}.json`);
  }

  /**
   * Every connection with a state file, sorted: the `<connection>.json` files under
   * `<home>/state/<connector>/` whose names a state file may have (temp files of a write in
   * progress are not states).
   */
  async list(): Promise<ConnectionRef[]> {
    const refs: ConnectionRef[] = [];
    for (const connector of await listFolder(join(this.home, 'state'), true)) {
      if (!isFileSafeName(connector)) continue;
      for (const file of await listFolder(join(this.home, 'state', connector), false)) {
        const connection = file.slice(0, -'.json'.length);
        if (file.endsWith('.json') && isFileSafeName(connection)) refs.push({ connector, connection });
      }
    }
    return refs.sort(compareRefs);
  }

  async load(connector: string, connection: string): Promise<StateValue | undefined> {
    const path = this.pathOf(connector, connection);
    let text: string | undefined;
    try {
      text = await readTextWithin(path, STATE_MAX_BYTES);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConnectorsError(`The saved state ${path} cannot be read.`, { code: 'ERR_STATE' });
    }
    if (text === undefined) {
      throw new ConnectorsError(`The saved state ${path} is larger than ${formatMiB(STATE_MAX_BYTES)}, the most a state may be.`, {
        code: 'ERR_STATE',
        hint: 'Delete it, or run with --full-refresh or --state FILE.',
      });
    }
    try {
      if (jsonNestingDepth(text) > STATE_MAX_DEPTH) throw new UsageError('too deep');
      return parseStateValue(JSON.parse(text), path);
    } catch {
      throw new ConnectorsError(`The saved state ${path} is not a valid state file.`, {
        code: 'ERR_STATE',
        hint: 'Delete it, or run with --full-refresh or --state FILE.',
      });
    }
  }

  /**
   * Replaces the saved state, atomically.
   * @throws ConnectorsError when the state would be larger than {@link STATE_MAX_BYTES}; the
   * state saved before is then kept as it was.
   */
  async save(connector: string, connection: string, value: StateValue): Promise<void> {
    const path = this.pathOf(connector, connection);
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const bytes = Buffer.byteLength(text);
    if (bytes > STATE_MAX_BYTES) {
      throw new ConnectorsError(
        `The state of ${connector} (connection ${connection}) would be ${formatMiB(bytes)}, more than the ${formatMiB(STATE_MAX_BYTES)} a state may be; it was not saved, and the state saved before is kept.`,
        { code: 'ERR_STATE_TOO_LARGE' },
      );
    }
    await makeDirectory(dirname(path), 0o700);
    await writeFileAtomic(path, text);
  }
}

/** The names of the folders (`folders`) or files in `path`; none when it does not exist. */
async function listFolder(path: string, folders: boolean): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((entry) => (folders ? entry.isDirectory() : entry.isFile())).map((entry) => entry.name);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return [];
    throw new ConnectorsError(`The saved states under ${path} cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { code: 'ERR_STATE' });
  }
}

function checkName(name: string, what: string): string {
  if (!isFileSafeName(name)) {
    throw new UsageError(`The ${what} name ${quoteName(name)} cannot name a state file; use letters, digits, "_", "-" and ".".`);
  }
  return name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
