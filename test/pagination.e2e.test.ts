// `connectors run` pages through every pagination type of DESIGN.md section 3 against the paged
// test API: the requests it makes, the stop rules (short page, empty page, absent next value) and
// the loop guard (the same cursor or next URL twice is exit 1 with one clear line).
import { describe, expect, it } from 'vitest';
import { parseLines } from './helpers/cli.js';
import { freshHome, hasStack, requestsTo, runManifest, startPagedServer } from './helpers/run-fixtures.js';

const ids = (stdout: string, stream: string): number[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'RECORD' && line.stream === stream)
    .map((line) => (line.record as { id: number }).id);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const b64 = (text: string): string => Buffer.from(text).toString('base64url');

interface Case {
  stream: string;
  path: string;
  /** The query of each request for 25 records in pages of 10. */
  queries: Array<Record<string, string>>;
}

const cases: Case[] = [
  {
    stream: 'offset_items',
    path: '/offset',
    queries: [
      { offset: '0', limit: '10' },
      { offset: '10', limit: '10' },
      { offset: '20', limit: '10' },
    ],
  },
  {
    stream: 'page_items',
    path: '/page',
    queries: [
      { page: '1', per_page: '10' },
      { page: '2', per_page: '10' },
      { page: '3', per_page: '10' },
    ],
  },
  {
    stream: 'cursor_items',
    path: '/cursor',
    queries: [{ limit: '10' }, { limit: '10', cursor: b64('10') }, { limit: '10', cursor: b64('20') }],
  },
  {
    stream: 'link_items',
    path: '/link',
    queries: [{ limit: '10' }, { page: '2', limit: '10' }, { page: '3', limit: '10' }],
  },
  {
    stream: 'next_items',
    path: '/next',
    queries: [{ top: '10' }, { skip: '10', top: '10' }, { skip: '20', top: '10' }],
  },
];

describe('connectors run: pagination', () => {
  // One process runs all five streams (each is its own paginator), so the file stays quick.
  it('reads every page of every type in order and stops on the short last page', async () => {
    const server = await startPagedServer({ total: 25 });
    const result = await runManifest('paged', server, [], { home: freshHome() });
    expect(result.code).toBe(0);
    for (const { stream, path, queries } of cases) {
      expect(result.stderr).toMatch(new RegExp(`^${stream}: 25 records, 3 pages in `, 'm'));
      expect(ids(result.stdout, stream)).toEqual(range(1, 25));
      expect(requestsTo(server, path).map((r) => r.query)).toEqual(queries);
    }
  });

  it('stops on an empty page or a missing next value when the total fills whole pages', async () => {
    const server = await startPagedServer({ total: 20 });
    const result = await runManifest('paged', server, [], { home: freshHome() });
    expect(result.code).toBe(0);
    for (const { stream, path } of cases) {
      expect(ids(result.stdout, stream)).toEqual(range(1, 20));
      // Offset and page cannot know page 2 was the last; cursor, link and next_url get a next
      // value with a full page. All end on the third, empty answer.
      expect(requestsTo(server, path), stream).toHaveLength(3);
    }
  });

  it('makes one request per stream and writes only SCHEMA lines for empty collections', async () => {
    const server = await startPagedServer({ total: 0 });
    const result = await runManifest('paged', server, [], { home: freshHome() });
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).map((line) => `${line.type} ${line.stream}`)).toEqual(cases.map((c) => `SCHEMA ${c.stream}`));
    for (const { path } of cases) expect(requestsTo(server, path), path).toHaveLength(1);
  });

  it.each([
    { stream: 'cursor_items', path: '/cursor', says: /returned the cursor "MA" a second time/ },
    { stream: 'link_items', path: '/link', says: /next page's URL http:\/\/127\.0\.0\.1:\d+\/link\S* a second time/ },
    { stream: 'next_items', path: '/next', says: /next page's URL http:\/\/127\.0\.0\.1:\d+\/next\S* a second time/ },
  ])('$stream fails with exit 1 when the API hands out the same cursor or URL again', async ({ stream, path, says }) => {
    const server = await startPagedServer({ total: 25 });
    server.state.loop = true;
    const result = await runManifest('paged', server, ['--stream', stream], { home: freshHome(), timeoutMs: 15_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`Stream "${stream}"`);
    expect(errors[0]).toMatch(says);
    expect(hasStack(result.stderr)).toBe(false);
    // The first page went out before the loop showed; the guard stopped at the repeat.
    expect(ids(result.stdout, stream)).toEqual(range(1, 10));
    expect(requestsTo(server, path).length).toBeLessThanOrEqual(3);
  });
});
