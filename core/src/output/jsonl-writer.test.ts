import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadStateFile } from '../streams/state.js';
import { JsonlWriter } from './jsonl-writer.js';
import { OPEN_SCHEMA } from './output-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonlWriter', () => {
  it('creates the folder and writes bare records per stream and the final state', async () => {
    const out = join(dir, 'a', 'b');
    const writer = new JsonlWriter(out);
    for (const name of ['customers', 'orders']) {
      await writer.startStream({ name, schema: OPEN_SCHEMA, keyProperties: [] });
      await writer.writeRecords(name, [{ id: 1, name }]);
      await writer.writeRecords(name, [{ id: 2 }]);
      await writer.endStream(name);
    }
    const state = { bookmarks: { orders: { cursor: 5 } } };
    await writer.writeState(state);
    await writer.close(state);
    expect((await readdir(out)).sort()).toEqual(['customers.jsonl', 'orders.jsonl', 'state.json']);
    expect(await readFile(join(out, 'customers.jsonl'), 'utf8')).toBe('{"id":1,"name":"customers"}\n{"id":2}\n');
    expect(await loadStateFile(join(out, 'state.json'))).toEqual(state);
  });

  it('closes open files when closed after a failure', async () => {
    const writer = new JsonlWriter(dir);
    await writer.startStream({ name: 's', schema: OPEN_SCHEMA, keyProperties: [] });
    await writer.writeRecords('s', [{ id: 1 }]);
    await writer.close({ bookmarks: {} });
    expect(await readFile(join(dir, 's.jsonl'), 'utf8')).toBe('{"id":1}\n');
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toEqual({ bookmarks: {} });
  });

  it('refuses a stream name that is not a file name', () => {
    expect(() => new JsonlWriter(dir).fileOf('../x')).toThrow(UsageError);
  });
});
