import { describe, expect, it } from 'vitest';
import { createBatchedWriter } from './audit-writer.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createBatchedWriter', () => {
  it('writes the lines of one turn together, in order, after the turn', async () => {
    const writes: string[] = [];
    const writer = createBatchedWriter((text) => writes.push(text));
    writer.write('{"n":1}\n');
    writer.write('{"n":2}\n');
    writer.write('{"n":3}\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
    writer.write('{"n":4}\n');
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n', '{"n":4}\n']);
  });

  it('flush writes what is queued at once, and nothing when nothing is', async () => {
    const writes: string[] = [];
    const writer = createBatchedWriter((text) => writes.push(text));
    writer.flush();
    expect(writes).toEqual([]);
    writer.write('{"n":1}\n');
    writer.flush();
    expect(writes).toEqual(['{"n":1}\n']);
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n']);
  });
});
