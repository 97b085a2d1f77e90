// `stream_defaults:` end to end: the built CLI runs a manifest whose streams take their records
// path, params, headers and pagination from shared defaults against a local node:http API, and a
// bad default fails `run` with one line at its place in stream_defaults.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, parseLines, runCli } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';

const requests: Array<{ path: string; query: Record<string, string>; accept: string | undefined }> = [];
let base = '';
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', base);
  const query = Object.fromEntries(url.searchParams);
  requests.push({ path: url.pathname, query, accept: req.headers['x-tenant'] as string | undefined });
  if (req.headers['x-tenant'] !== 'acme' || query.fields !== '*') {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"fields and X-Tenant are required"}');
    return;
  }
  const from = Number(query.from ?? 0);
  const size = Number(query.count);
  const total = 5;
  const values = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => ({ id: from + i + 1, kind: url.pathname.slice(1) }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ values }));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const manifest = (url: string, defaultsExtra = '') => `apiVersion: connectors/v1
name: shared
auth:
  scheme: none
base_url: "${url}"
stream_defaults:
  records: values
  primary_key: id
  headers: {X-Tenant: acme}
  params: {fields: "*"}
  pagination: {type: offset, offset_param: from, limit_param: count, page_size: 2}
${defaultsExtra}streams:
  - name: customers
    path: /customers
  - name: orders
    path: /orders
    pagination: {page_size: 3}
`;

describe('connectors run: stream_defaults', () => {
  it('merges the defaults under each stream, the stream winning', async () => {
    const { home, cleanup } = makeHome();
    try {
      const result = await runCli(['run', writeManifest(home, 'shared', manifest(base))], { env: { CONNECTORS_HOME: home } });
      expect(result.stderr).not.toMatch(/^\s+at\s/m);
      expect(result.code).toBe(0);
      const lines = parseLines(result.stdout);
      for (const stream of ['customers', 'orders']) {
        expect(lines.filter((l) => l.type === 'RECORD' && l.stream === stream).map((l) => (l.record as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);
        expect(lines.find((l) => l.type === 'SCHEMA' && l.stream === stream)?.key_properties).toEqual(['id']);
      }
      const queries = (path: string) => requests.filter((r) => r.path === path).map((r) => r.query);
      expect(queries('/customers')).toEqual([
        { fields: '*', from: '0', count: '2' },
        { fields: '*', from: '2', count: '2' },
        { fields: '*', from: '4', count: '2' },
      ]);
      expect(queries('/orders')).toEqual([
        { fields: '*', from: '0', count: '3' },
        { fields: '*', from: '3', count: '3' },
      ]);
    } finally {
      cleanup();
    }
  });

  it('fails on a bad default with one line at stream_defaults, before any request', async () => {
    const { home, cleanup } = makeHome();
    try {
      const before = requests.length;
      const file = writeManifest(home, 'shared', manifest(base, '  retry: {limt: 2}\n'));
      const result = await runCli(['run', file], { env: { CONNECTORS_HOME: home } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`${file}:12:11: stream_defaults.retry.limt: unknown key \`limt\``);
      expect(result.stderr).toContain('(merged into stream `customers`)');
      expect(result.stderr).not.toMatch(/^\s+at\s/m);
      expect(requests.length).toBe(before);
    } finally {
      cleanup();
    }
  });
});
