import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectorsError } from '../errors.js';
import { OPEN_SCHEMA } from './output-writer.js';
import { SingerWriter } from './singer-writer.js';

function capture(): { out: Writable; lines: () => unknown[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { out, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown) };
}

describe('SingerWriter', () => {
  it('writes SCHEMA, RECORD and STATE lines, one JSON object each', async () => {
    const { out, lines } = capture();
    const writer = new SingerWriter(out);
    await writer.startStream({ name: 'customers', schema: OPEN_SCHEMA, keyProperties: ['id'], bookmarkProperties: ['updated_at'] });
    await writer.writeRecords('customers', [{ id: 1, name: 'A\nB' }, { id: 2 }]);
    await writer.writeState({ bookmarks: { customers: { cursor: '2024' } } });
    await writer.endStream('customers');
    await writer.close();
    expect(lines()).toEqual([
      {
        type: 'SCHEMA',
        stream: 'customers',
        schema: { type: 'object', additionalProperties: true },
        key_properties: ['id'],
        bookmark_properties: ['updated_at'],
      },
      { type: 'RECORD', stream: 'customers', record: { id: 1, name: 'A\nB' } },
      { type: 'RECORD', stream: 'customers', record: { id: 2 } },
      { type: 'STATE', value: { bookmarks: { customers: { cursor: '2024' } } } },
    ]);
  });

  it('waits for drain when the destination is full', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const writer = new SingerWriter(out);
    let settled = false;
    const pending = writer.writeRecords('s', [{ a: 'x'.repeat(100) }]).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    out.read();
    await pending;
    expect(settled).toBe(true);
  });

  it('fails the next write once the destination errors', async () => {
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }));
      },
      highWaterMark: 1,
    });
    const writer = new SingerWriter(out);
    await expect(writer.writeRecords('s', [{ a: 1 }])).rejects.toThrow(ConnectorsError);
    await expect(writer.writeRecords('s', [{ a: 1 }])).rejects.toThrow('The output stdout was closed before the run ended (EPIPE).');
  });
});
