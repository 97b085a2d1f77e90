// `pagination: {type: auto}` against a local node:http API whose routes page four different ways
// (Link header, @odata.nextLink, HubSpot-style paging.next.after, plain offset/limit): the CLI
// picks each from the first response, says which on stderr (one line per stream), and reads
// every record in page order.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, parseLines, runCli } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';

const TOTAL = 5;
const SIZE = 2;
const SECRET = 'tok-9f3b2c7d41';
const requests: Array<{ path: string; query: Record<string, string> }> = [];
const slice = (from: number) => Array.from({ length: Math.max(0, Math.min(SIZE, TOTAL - from)) }, (_, i) => ({ id: from + i + 1 }));

function handle(req: IncomingMessage, res: ServerResponse, base: string): void {
  const url = new URL(req.url ?? '/', base);
  const query = Object.fromEntries(url.searchParams);
  requests.push({ path: url.pathname, query });
  const send = (body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const from = Number(query.skip ?? query.offset ?? query.after ?? query.page ?? 0);
  const more = from + SIZE < TOTAL;
  switch (url.pathname) {
    case '/link':
      return send(slice(from), more ? { link: `</link?page=${from + SIZE}>; rel="next"` } : {});
    case '/odata':
      return send({ value: slice(from), ...(more ? { '@odata.nextLink': `${base}/odata?skip=${from + SIZE}&token=${SECRET}` } : {}) });
    case '/hub':
      return send({ results: slice(from), ...(more ? { paging: { next: { after: String(from + SIZE) } } } : {}) });
    case '/plain':
      return send({ items: slice(from).slice(0, Number(query.limit ?? SIZE)) });
    default:
      res.writeHead(404).end();
  }
}

let base = '';
const server = createServer((req, res) => handle(req, res, base));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const manifest = (url: string) => `apiVersion: connectors/v1
name: autopaged
auth:
  scheme: none
base_url: "${url}"
streams:
  - name: link_items
    path: /link
    pagination: {type: auto}
  - name: odata_items
    path: /odata
    records: value
    pagination: {type: auto}
  - name: hub_items
    path: /hub
    records: results
    pagination: {type: auto, page_size: ${SIZE}}
  - name: plain_items
    path: /plain
    records: items
    pagination: {type: auto, page_size: ${SIZE}}
  - name: own_limit_items
    path: /plain
    records: items
    params: {limit: ${SIZE}}
    pagination: {type: auto}
`;

describe('connectors run: pagination auto', () => {
  it('chooses link, next_url, cursor (as after) and offset, says so on stderr, and reads every page', async () => {
    const { home, cleanup } = makeHome();
    try {
      const file = writeManifest(home, 'autopaged', manifest(base));
      const result = await runCli(['run', file], { env: { CONNECTORS_HOME: home } });
      expect(result.stderr).not.toMatch(/^\s+at\s/m);
      expect(result.code).toBe(0);
      const lines = parseLines(result.stdout);
      for (const stream of ['link_items', 'odata_items', 'hub_items', 'plain_items', 'own_limit_items']) {
        const ids = lines.filter((l) => l.type === 'RECORD' && l.stream === stream).map((l) => (l.record as { id: number }).id);
        expect(ids, stream).toEqual([1, 2, 3, 4, 5]);
      }
      const chose = result.stderr.split('\n').filter((line) => line.includes('pagination auto'));
      expect(chose).toEqual([
        'Stream "link_items": pagination auto chose link (the Link rel="next" header).',
        'Stream "odata_items": pagination auto chose next_url (next_url_path ["@odata.nextLink"]).',
        'Stream "hub_items": pagination auto chose cursor (cursor_path paging.next.after, sent as after).',
        'Stream "plain_items": pagination auto chose offset (no next link or cursor in the first response, and the request took a limit).',
        'Stream "own_limit_items": pagination auto chose offset (no next link or cursor in the first response, and the request took a limit).',
      ]);
      const queries = (path: string) => requests.filter((r) => r.path === path).map((r) => r.query);
      expect(queries('/hub')).toEqual([{ limit: '2' }, { limit: '2', after: '2' }, { limit: '2', after: '4' }]);
      // plain_items then own_limit_items (its limit from its own params) page the same route alike.
      const plain = [{ limit: '2' }, { offset: '2', limit: '2' }, { offset: '4', limit: '2' }];
      expect(queries('/plain')).toEqual([...plain, ...plain]);
      expect(queries('/link')).toHaveLength(3);
      expect(queries('/odata')).toHaveLength(3);
      expect(result.stderr).not.toContain(SECRET);
    } finally {
      cleanup();
    }
  });

  it('refuses an unknown key in an auto block with file:line:col', async () => {
    const { home, cleanup } = makeHome();
    try {
      const file = writeManifest(home, 'autopaged', manifest(base).replace('pagination: {type: auto}', 'pagination: {type: auto, cursor_path: next}'));
      const result = await runCli(['validate', file], { env: { CONNECTORS_HOME: home } });
      expect(result.code).not.toBe(0);
      expect(result.stderr + result.stdout).toMatch(/connector\.yaml:\d+:\d+: streams\[0\]\.pagination/);
      expect(result.stderr).not.toMatch(/^\s+at\s/m);
    } finally {
      cleanup();
    }
  });
});
