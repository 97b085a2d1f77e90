import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { OPEN_SCHEMA } from '../output/output-writer.js';
import { FileStateStore, type StateValue } from '../streams/state.js';
import { DirDestination } from './dir.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dir-destination-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(destination: DirDestination, records: unknown[], state: StateValue): Promise<void> {
  await destination.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: ['id'] });
  await destination.writeRecords('items', records);
  await destination.writeState(state);
  await destination.saveState(state);
  await destination.endStream('items');
  await destination.close(state);
}

describe('DirDestination (issue 13)', () => {
  it('appends each run to <connector>/<connection>/<stream>.jsonl and saves state.json and the connection state', async () => {
    const states = new FileStateStore(join(root, 'home'));
    const first = { bookmarks: { items: { cursor: 2 } } };
    await run(new DirDestination({ root: join(root, 'out'), connector: 'acme', connection: 'eu', states }), [{ id: 1 }, { id: 2 }], first);
    const second = { bookmarks: { items: { cursor: 3 } } };
    await run(new DirDestination({ root: join(root, 'out'), connector: 'acme', connection: 'eu', states }), [{ id: 3 }], second);
    const folder = join(root, 'out', 'acme', 'eu');
    expect(await readFile(join(folder, 'items.jsonl'), 'utf8')).toBe('{"id":1}\n{"id":2}\n{"id":3}\n');
    expect(JSON.parse(await readFile(join(folder, 'state.json'), 'utf8'))).toEqual(second);
    expect(await states.load('acme', 'eu')).toEqual(second);
  });

  it('saves no state without a state store (a --limit sample)', async () => {
    const destination = new DirDestination({ root, connector: 'acme', connection: 'default' });
    await run(destination, [{ id: 1 }], { bookmarks: { items: { cursor: 1 } } });
    expect(await readFile(join(root, 'acme', 'default', 'items.jsonl'), 'utf8')).toBe('{"id":1}\n');
    await expect(readFile(join(root, 'acme', 'default', 'state.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('writes the records before the state that follows them', async () => {
    const saved: string[] = [];
    const destination = new DirDestination({
      root,
      connector: 'acme',
      connection: 'default',
      states: {
        load: () => Promise.resolve(undefined),
        save: async () => {
          saved.push(await readFile(join(root, 'acme', 'default', 'items.jsonl'), 'utf8'));
        },
      },
    });
    await destination.startStream({ name: 'items', schema: OPEN_SCHEMA, keyProperties: [] });
    const big = Array.from({ length: 2000 }, (_, id) => ({ id, pad: 'x'.repeat(100) }));
    await destination.writeRecords('items', big);
    await destination.saveState({ bookmarks: { items: { cursor: 1999 } } });
    expect(saved[0]!.split('\n').length - 1).toBe(2000);
    await destination.close({ bookmarks: { items: { cursor: 1999 } } });
    expect(saved).toHaveLength(1); // the same state is not saved twice
  });

  it('refuses names that cannot name a file', () => {
    expect(() => new DirDestination({ root, connector: 'acme', connection: '../x' })).toThrow(UsageError);
    expect(() => new DirDestination({ root, connector: 'acme', connection: 'default' }).fileOf('a/b')).toThrow(UsageError);
  });
});
