// `connectors run` output and flags: the exact Singer stream on stdout, summaries on stderr,
// --output, --limit, --stream, --config coercion, --quiet, templates in requests (config,
// secrets with auth.apply: false, page.* in a POST body, filters), and the README's demo.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks, parseLines, repoRoot } from './helpers/cli.js';
import { freshHome, hasStack, requestsTo, runManifest, startPagedServer } from './helpers/run-fixtures.js';

const record = (id: number) => ({ id, name: `Record ${id}`, updated_at: new Date(Date.UTC(2024, 0, 1) + id * 60_000).toISOString().replace('.000Z', 'Z') });
const recordLine = (stream: string, id: number): string => JSON.stringify({ type: 'RECORD', stream, record: record(id) });
const OPEN = { type: 'object', additionalProperties: true };

describe('connectors run: Singer output and flags', () => {
  it('writes exactly SCHEMA then RECORD lines per stream on stdout and a summary per stream on stderr', async () => {
    const server = await startPagedServer({ total: 3 });
    const result = await runManifest('paged', server, ['--stream', 'offset_items', '--stream', 'page_items'], { home: freshHome() });
    expect(result.code).toBe(0);
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } },
    };
    expect(result.stdout).toBe(
      [
        JSON.stringify({ type: 'SCHEMA', stream: 'offset_items', schema, key_properties: ['id'] }),
        ...[1, 2, 3].map((id) => recordLine('offset_items', id)),
        JSON.stringify({ type: 'SCHEMA', stream: 'page_items', schema: OPEN, key_properties: ['id'] }),
        ...[1, 2, 3].map((id) => recordLine('page_items', id)),
        '',
      ].join('\n'),
    );
    const summaries = result.stderr.trim().split('\n');
    expect(summaries).toHaveLength(2);
    expect(summaries[0]).toMatch(/^offset_items: 3 records, 1 page in \d+\.\d s \([\d,]+ records\/s\)$/);
    expect(summaries[1]).toMatch(/^page_items: 3 records, 1 page in /);
  });

  it('runs the streams named by --stream in the order given; an unknown one is exit 2 listing the streams', async () => {
    const server = await startPagedServer({ total: 2 });
    const home = freshHome();
    const ordered = await runManifest('paged', server, ['--stream', 'next_items', '--stream', 'cursor_items'], { home });
    expect(ordered.code).toBe(0);
    expect(parseLines(ordered.stdout).filter((l) => l.type === 'SCHEMA').map((l) => l.stream)).toEqual(['next_items', 'cursor_items']);
    expect(server.state.requests.map((r) => r.path)).toEqual(['/next', '/cursor']);

    server.state.requests.length = 0;
    const unknown = await runManifest('paged', server, ['--stream', 'offset_items', '--stream', 'nope'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toBe(
      'Error: Connector "paged" has no stream "nope"; its streams are: offset_items, page_items, cursor_items, link_items, next_items.',
    );
    expect(server.state.requests).toHaveLength(0);
  });

  it('--limit N stops each stream after N records and stops fetching', async () => {
    const server = await startPagedServer({ total: 95 });
    const result = await runManifest('paged', server, ['--stream', 'offset_items', '--stream', 'cursor_items', '--limit', '12'], { home: freshHome() });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    for (const stream of ['offset_items', 'cursor_items']) {
      expect(lines.filter((l) => l.type === 'RECORD' && l.stream === stream).map((l) => (l.record as { id: number }).id)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
    }
    expect(requestsTo(server, '/offset')).toHaveLength(2);
    expect(requestsTo(server, '/cursor')).toHaveLength(2);
    expect(result.stderr).toMatch(/^offset_items: 12 records, 2 pages .*stopped at --limit$/m);

    server.state.requests.length = 0;
    const exact = await runManifest('paged', server, ['--stream', 'page_items', '--limit', '10'], { home: freshHome() });
    expect(exact.code).toBe(0);
    expect(parseLines(exact.stdout).filter((l) => l.type === 'RECORD')).toHaveLength(10);
    expect(requestsTo(server, '/page')).toHaveLength(1); // a full page reached the limit: no second request
  });

  it('--output DIR creates missing parents and writes bare records and state.json, nothing on stdout', async () => {
    const server = await startPagedServer({ total: 23 });
    const out = join(mkdtempSync(join(tmpdir(), 'connectors-out-')), 'a', 'b', 'c');
    const result = await runManifest('incremental', server, ['--output', out], { home: freshHome() });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(readdirSync(out).sort()).toEqual(['daily.jsonl', 'events.jsonl', 'state.json']);
    const events = readFileSync(join(out, 'events.jsonl'), 'utf8');
    expect(events).toBe(`${Array.from({ length: 23 }, (_, i) => JSON.stringify(record(i + 1))).join('\n')}\n`);
    expect(readFileSync(join(out, 'daily.jsonl'), 'utf8').trim().split('\n')).toHaveLength(23);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    expect(state.bookmarks.events).toEqual({ cursor: '2024-01-01T00:23:00Z' });
    expect(state.bookmarks.daily.cursor).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(result.stderr).toMatch(/^events: 23 records, 3 pages/m);
  });

  it('--quiet prints nothing on stderr', async () => {
    const server = await startPagedServer({ total: 5 });
    const result = await runManifest('paged', server, ['--stream', 'link_items', '--quiet'], { home: freshHome() });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(parseLines(result.stdout)).toHaveLength(6);
  });
});

describe('connectors run: templates in requests', () => {
  const secret = 's3cr et/+Key';
  const env = { CONNECTORS_SECRET_TEMPLATED_API_KEY: secret };

  it('renders params and headers from config and secrets (auth.apply: false), coerces --config, and page.* in a POST body', async () => {
    const server = await startPagedServer({ total: 10 });
    const result = await runManifest(
      'templated',
      server,
      ['--stream', 'echo', '--stream', 'search', '--config', 'verbose=true', '--config', 'max=7'],
      { home: freshHome(), env },
    );
    expect(result.code).toBe(0);
    const [echo] = requestsTo(server, '/echo');
    // urlencode encodes once; the query string encodes again, so the server decodes to the filter's output.
    expect(echo!.query).toEqual({ q: 'a%20b%26c', region: 'eu', verbose: 'true', max: '7' });
    expect(echo!.headers.authorization).toBe(`Token ${secret}`);
    expect(echo!.headers['x-encoded']).toBe(Buffer.from(secret).toString('base64'));
    const bodies = requestsTo(server, '/search').map((r) => JSON.parse(r.body) as { offset: unknown; limit: unknown });
    expect(bodies.map((b) => [Number(b.offset), Number(b.limit)])).toEqual([
      [0, 4],
      [4, 4],
      [8, 4],
    ]);
    expect(requestsTo(server, '/search').every((r) => Object.keys(r.query).length === 0)).toBe(true);
    expect(parseLines(result.stdout).filter((l) => l.stream === 'search' && l.type === 'RECORD')).toHaveLength(10);
    expect(findLeaks(result.stdout + result.stderr, [secret])).toEqual([]);
  });

  it('a bad --config value is exit 2 naming the key, before any request', async () => {
    const server = await startPagedServer();
    for (const [pair, key] of [
      ['max=seven', 'max'],
      ['verbose=maybe', 'verbose'],
    ]) {
      const result = await runManifest('templated', server, ['--config', pair!], { home: freshHome(), env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`\`${key}\``);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(server.state.requests).toHaveLength(0);
  });

  it('a query parameter whose optional config value is unset is dropped, not sent empty', async () => {
    const server = await startPagedServer();
    const result = await runManifest('templated', server, ['--stream', 'tenant_echo'], { home: freshHome(), env });
    expect(result.code, result.stderr).toBe(0);
    expect(requestsTo(server, '/echo')[0]!.query).toEqual({});

    const given = await runManifest('templated', server, ['--stream', 'tenant_echo', '--config', 'tenant=acme'], { home: freshHome(), env });
    expect(given.code).toBe(0);
    expect(requestsTo(server, '/echo')[1]!.query).toEqual({ tenant: 'acme' });
  });

  it('a path template without a value is exit 1 naming the template and where it stands', async () => {
    const server = await startPagedServer();
    const result = await runManifest('templated', server, ['--stream', 'tenant_path'], { home: freshHome(), env });
    expect(result.code).toBe(1);
    const error = result.stderr.split('\n').find((line) => line.startsWith('Error: '));
    expect(error).toContain('{{ config.tenant }}');
    expect(error).toContain('templated.yaml');
    expect(error).toContain('streams[3].path');
    expect(hasStack(result.stderr)).toBe(false);
    expect(server.state.requests).toHaveLength(0);
  });
});

describe('the README main command', () => {
  it('node test/demo.js runs the demo connector end to end', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'test', 'demo.js'), '--limit', '3'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    const lines = parseLines(stdout);
    expect(lines.filter((l) => l.type === 'SCHEMA').map((l) => l.stream)).toEqual(['customers', 'orders']);
    expect(lines.filter((l) => l.type === 'RECORD' && l.stream === 'customers')).toHaveLength(3);
    expect(lines.filter((l) => l.type === 'RECORD' && l.stream === 'orders')).toHaveLength(3);
    expect(findLeaks(stdout + stderr, ['demo-secret'])).toEqual([]);
    expect(existsSync(join(repoRoot, 'cli', 'bin', 'run.js'))).toBe(true);
  });
});
