import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConnectorsError, UsageError } from '../errors.js';
import type { CursorValue } from './incremental.js';
import { writeFileAtomic } from '../secrets/atomic-file.js';
import { isFileSafeName, quoteName } from '../secrets/store.js';

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
 * @throws UsageError naming the file when it is missing, not JSON, or not a state.
 */
export async function loadStateFile(path: string): Promise<StateValue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `The state file ${path} does not exist.` : `The state file ${path} cannot be read (${code ?? 'error'}).`,
    );
  }
  return parseStateText(text, path);
}

/** Parses the text of a state file; see {@link loadStateFile}. */
export function parseStateText(text: string, source: string): StateValue {
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
}

/** Keeps state in `<home>/state/<connector>/<connection>.json`, written atomically. */
export class FileStateStore implements StateStore {
  constructor(readonly home: string) {}

  /** The file that holds a connection's state. */
  pathOf(connector: string, connection: string): string {
    return join(this.home, 'state', checkName(connector, 'connector'), `${checkName(connection, 'connection')}.json`);
  }

  async load(connector: string, connection: string): Promise<StateValue | undefined> {
    const path = this.pathOf(connector, connection);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConnectorsError(`The saved state ${path} cannot be read.`, { code: 'ERR_STATE' });
    }
    try {
      return parseStateValue(JSON.parse(text), path);
    } catch {
      throw new ConnectorsError(`The saved state ${path} is not a valid state file.`, {
        code: 'ERR_STATE',
        hint: 'Delete it, or run with --full-refresh or --state FILE.',
      });
    }
  }

  async save(connector: string, connection: string, value: StateValue): Promise<void> {
    const path = this.pathOf(connector, connection);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
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
