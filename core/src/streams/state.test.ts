import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorsError, UsageError } from '../errors.js';
import {
  createEmptyState,
  FileStateStore,
  getStreamCursor,
  loadStateFile,
  parseStateValue,
  setStreamCursor,
} from './state.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('state values', () => {
  it('sets a cursor without touching other bookmarks or the input', () => {
    const before = { bookmarks: { a: { cursor: 1 } }, other: true };
    const after = setStreamCursor(before, 'b', '2024');
    expect(after).toEqual({ bookmarks: { a: { cursor: 1 }, b: { cursor: '2024' } }, other: true });
    expect(before.bookmarks).toEqual({ a: { cursor: 1 } });
    expect(getStreamCursor(after, 'b')).toBe('2024');
    expect(getStreamCursor(createEmptyState(), 'b')).toBeUndefined();
  });

  it('rejects bad shapes with a usage error naming the source', () => {
    expect(() => parseStateValue([], 'x.json')).toThrow('The state in x.json is not a JSON object with "bookmarks".');
    expect(() => parseStateValue({ bookmarks: [] }, 'x.json')).toThrow(UsageError);
    expect(() => parseStateValue({ bookmarks: { a: { cursor: {} } } }, 'x.json')).toThrow(/not a string or a number/);
  });
});

describe('loadStateFile', () => {
  const value = { bookmarks: { customers: { cursor: '2024-01-01' } } };

  it('reads a STATE value (the state.json --output writes)', async () => {
    await writeFile(join(dir, 's.json'), JSON.stringify(value));
    expect(await loadStateFile(join(dir, 's.json'))).toEqual(value);
  });

  it('reads a STATE message', async () => {
    await writeFile(join(dir, 's.json'), JSON.stringify({ type: 'STATE', value }));
    expect(await loadStateFile(join(dir, 's.json'))).toEqual(value);
  });

  it('reads Singer output lines, the last STATE winning', async () => {
    const lines = [
      { type: 'SCHEMA', stream: 'customers', schema: {}, key_properties: [] },
      { type: 'STATE', value: { bookmarks: { customers: { cursor: 'old' } } } },
      { type: 'RECORD', stream: 'customers', record: {} },
      { type: 'STATE', value },
    ];
    await writeFile(join(dir, 'out.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(await loadStateFile(join(dir, 'out.jsonl'))).toEqual(value);
  });

  it('names the file when it is missing or not JSON', async () => {
    const missing = join(dir, 'none.json');
    await expect(loadStateFile(missing)).rejects.toThrow(`The state file ${missing} does not exist.`);
    await writeFile(join(dir, 'bad.json'), '{ nope');
    await expect(loadStateFile(join(dir, 'bad.json'))).rejects.toThrow(`The state file ${join(dir, 'bad.json')} is not JSON.`);
    await writeFile(join(dir, 'rec.json'), '{"type":"RECORD"}\n');
    await expect(loadStateFile(join(dir, 'rec.json'))).rejects.toThrow(/is a Singer RECORD message, not a STATE/);
    await writeFile(join(dir, 'rec.jsonl'), '{"type":"RECORD"}\n{"type":"RECORD"}\n');
    await expect(loadStateFile(join(dir, 'rec.jsonl'))).rejects.toThrow(/holds no STATE message/);
  });
});

describe('FileStateStore', () => {
  it('saves under <home>/state/<connector>/<connection>.json and loads it back', async () => {
    const store = new FileStateStore(dir);
    expect(await store.load('tripletex', 'default')).toBeUndefined();
    const value = setStreamCursor(createEmptyState(), 'customers', 7);
    await store.save('tripletex', 'default', value);
    const path = join(dir, 'state', 'tripletex', 'default.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(value);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'state', 'tripletex'))).toEqual(['default.json']);
    expect(await store.load('tripletex', 'default')).toEqual(value);
  });

  it('refuses names that would leave the folder', () => {
    const store = new FileStateStore(dir);
    expect(() => store.pathOf('../x', 'default')).toThrow(UsageError);
    expect(() => store.pathOf('x', 'a/b')).toThrow(UsageError);
  });

  it('lists the connections with a state file, sorted, and nothing else under state/', async () => {
    const store = new FileStateStore(dir);
    expect(await store.list()).toEqual([]); // no state folder yet
    await store.save('zeta', 'default', createEmptyState());
    await store.save('acme', 'eu-office', createEmptyState());
    await store.save('acme', 'default', createEmptyState());
    await writeFile(join(dir, 'state', 'acme', '.default.json.123.abc.tmp'), '{}'); // a write in progress
    await writeFile(join(dir, 'state', 'acme', 'notes.txt'), 'not a state');
    await writeFile(join(dir, 'state', 'stray.json'), '{}'); // not inside a connector's folder
    expect(await store.list()).toEqual([
      { connector: 'acme', connection: 'default' },
      { connector: 'acme', connection: 'eu-office' },
      { connector: 'zeta', connection: 'default' },
    ]);
  });

  it('reports a corrupt saved state', async () => {
    const store = new FileStateStore(dir);
    await store.save('x', 'default', createEmptyState());
    await writeFile(store.pathOf('x', 'default'), 'garbage');
    await expect(store.load('x', 'default')).rejects.toThrow(ConnectorsError);
  });
});

describe('state size caps (issue 9)', () => {
  it('refuses to save a state over 16 MiB and keeps the one saved before', async () => {
    const store = new FileStateStore(dir);
    await store.save('demo', 'default', { bookmarks: { a: { cursor: 1 } } });
    const before = await readFile(store.pathOf('demo', 'default'), 'utf8');
    const huge = { bookmarks: { a: { cursor: 'x'.repeat(16 * 1024 * 1024) } } };
    await expect(store.save('demo', 'default', huge)).rejects.toThrow(
      /^The state of demo \(connection default\) would be 16\.0 MiB, more than the 16\.0 MiB a state may be; it was not saved/,
    );
    expect(await readFile(store.pathOf('demo', 'default'), 'utf8')).toBe(before);
  });

  it('refuses a --state file over 16 MiB, or nested deeper than 1000 levels, with a UsageError', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ bookmarks: {}, pad: 'x'.repeat(16 * 1024 * 1024) }));
    await expect(loadStateFile(big)).rejects.toThrow(UsageError);
    await expect(loadStateFile(big)).rejects.toThrow(`The state file ${big} is larger than 16.0 MiB, the most a state may be.`);
    const deep = join(dir, 'deep.json');
    await writeFile(deep, `{"bookmarks":{},"x":${'['.repeat(1000)}${']'.repeat(1000)}}`);
    await expect(loadStateFile(deep)).rejects.toThrow(`The state in ${deep} is nested deeper than 1000 levels, the most a state may be.`);
    const fine = join(dir, 'fine.json');
    await writeFile(fine, `{"bookmarks":{},"x":${'['.repeat(998)}${']'.repeat(998)}}`);
    await expect(loadStateFile(fine)).resolves.toMatchObject({ bookmarks: {} });
  });
});
