import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { readPageRecords, type PageEnd, type PageRecordsOptions } from './page-records.js';
import { compilePath, parsePath } from './records.js';

const notJson = (): Error => new HttpError('GET https://api.test/items answered 200 with a body that is not JSON.');
const options = (path: string, bufferLimit = 0): PageRecordsOptions => ({
  steps: path === '' ? [] : parsePath(path),
  getter: compilePath(path),
  where: { stream: 'items', ...(path ? { path } : {}), url: 'https://api.test/items' },
  notJson,
  bufferLimit,
});

/** Splits text into chunks of `size` bytes (cutting multi-byte characters too). */
function chunksOf(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

async function readAll(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, opts: PageRecordsOptions): Promise<{ batches: unknown[][]; end: PageEnd }> {
  const reader = readPageRecords(chunks, opts);
  const batches: unknown[][] = [];
  for (;;) {
    const step = await reader.next();
    if (step.done) return { batches, end: step.value };
    batches.push(step.value);
  }
}

const records = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `Récord ${i + 1} ✓`, tags: [i, { deep: [i] }] }));

describe('readPageRecords', () => {
  it('streams the records of a page past the buffer limit and keeps the rest, a cursor after the records included', async () => {
    const page = JSON.stringify({ total: 50, data: { items: records }, paging: { next: 'c2' } });
    const { batches, end } = await readAll(chunksOf(page, 97), options('data.items'));
    expect(batches.length).toBeGreaterThan(5);
    expect(batches.flat()).toEqual(records);
    expect(end).toEqual({ body: { total: 50, data: { items: [] }, paging: { next: 'c2' } }, records: [] });
  });

  it('yields records before the rest of the page has arrived', async () => {
    const page = JSON.stringify({ items: records, next: null });
    const half = Buffer.from(page.slice(0, page.length / 2));
    let secondHalfSent = false;
    async function* body(): AsyncGenerator<Buffer> {
      yield half;
      secondHalfSent = true;
      yield Buffer.from(page.slice(page.length / 2));
    }
    const reader = readPageRecords(body(), options('items'));
    const first = await reader.next();
    expect(secondHalfSent).toBe(false);
    expect(first.done).toBe(false);
    expect((first.value as unknown[])[0]).toEqual(records[0]);
  });

  it('reads a page under the limit whole and hands its records over at the end, before any are yielded', async () => {
    const page = JSON.stringify({ items: records, next: 'x' });
    const { batches, end } = await readAll(chunksOf(page, 64), options('items', 1024 * 1024));
    expect(batches).toEqual([]);
    expect(end.records).toEqual(records);
    expect((end.body as { next: string }).next).toBe('x');
  });

  it('streams a body that is the array itself, and names with dots in brackets', async () => {
    expect((await readAll(chunksOf(JSON.stringify(records), 50), options(''))).batches.flat()).toEqual(records);
    const dotted = JSON.stringify({ 'odata.count': 2, value: { 'a.b': records }, 'odata.nextLink': 'n' });
    const { batches, end } = await readAll(chunksOf(dotted, 50), options('value["a.b"]'));
    expect(batches.flat()).toEqual(records);
    expect(end.body).toEqual({ 'odata.count': 2, value: { 'a.b': [] }, 'odata.nextLink': 'n' });
  });

  it('does not take the values of an object at the records path for records, and says it is not an array', async () => {
    const page = JSON.stringify({ items: { a: { id: 1 }, b: { id: 2 } } });
    const run = readAll(chunksOf(page, 10), options('items'));
    await expect(run).rejects.toThrow('Stream "items": the response from https://api.test/items holds an object at "items", not an array of records.');
    await expect(readAll(chunksOf('{"other": []}', 5), options('items'))).rejects.toMatchObject({ code: 'ERR_RECORDS' });
  });

  it('raises the not-JSON error for a broken, cut or doubled body, streamed or whole', async () => {
    for (const limit of [0, 1024]) {
      for (const body of ['{"items": [1, 2', '{"items": [1, 2]} x', '<html>', '', '{"items": [1,]}']) {
        await expect(readAll(chunksOf(body, 3), options('items', limit))).rejects.toThrow(/answered 200 with a body that is not JSON/);
      }
    }
    const { batches } = await readAll(chunksOf('{"items": [1, 2]}\n  \n', 4), options('items'));
    expect(batches.flat()).toEqual([1, 2]);
  });
});
