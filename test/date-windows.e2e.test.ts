// Date windows (`partition: {type: date_range}`) end to end: the built CLI against a local
// date-range API that refuses a request without dateFrom/dateTo or with a window over 31 days.
// Exact records across windows, STATE per completed window, the window an API refuses named in
// the error, and a run cut short (a failure, Ctrl-C) resuming from the last completed window.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, parseLines, runCli } from './helpers/cli.js';
import { freshHome, hasStack, runFixture, runManifest } from './helpers/run-fixtures.js';

const DAY = 86_400_000;
const FIRST = Date.UTC(2025, 0, 1);
/** One invoice a day, 2025-01-01 to 2025-03-31: id 0 to 89. */
const INVOICES = Array.from({ length: 90 }, (_, id) => ({ id, invoiceDate: new Date(FIRST + id * DAY).toISOString().slice(0, 10) }));

interface DateRangeApi {
  url: string;
  requests: Array<Record<string, string>>;
  /** A window start the API answers 400 for (a run cut short there). */
  failFrom?: string;
  /** A window start the API never answers (a request in flight at Ctrl-C). */
  stallFrom?: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

async function startDateRangeApi(): Promise<DateRangeApi> {
  const api: DateRangeApi = { url: '', requests: [] };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    api.requests.push(query);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/invoice') return send(404, { message: 'not found' });
    const { dateFrom, dateTo } = query;
    if (dateFrom === undefined || dateTo === undefined) return send(422, { message: 'dateFrom and dateTo are required' });
    const from = Date.parse(`${dateFrom}T00:00:00Z`);
    const to = Date.parse(`${dateTo}T00:00:00Z`);
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return send(422, { message: 'dateTo must be after dateFrom' });
    if (to - from > 31 * DAY) return send(422, { message: 'the period may be at most 31 days' });
    if (dateFrom === api.failFrom) return send(400, { message: 'temporarily refused' });
    if (dateFrom === api.stallFrom) return; // held until the test closes the server
    const offset = Number(query.from ?? 0);
    const count = Number(query.count ?? 1000);
    const inside = INVOICES.filter((invoice) => invoice.invoiceDate >= dateFrom && invoice.invoiceDate < dateTo);
    send(200, { fullResultSize: inside.length, from: offset, count, values: inside.slice(offset, offset + count) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

const ids = (stdout: string): number[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'RECORD')
    .map((line) => (line.record as { id: number }).id);
const cursors = (stdout: string): unknown[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'STATE')
    .map((line) => (line.value as { bookmarks: { invoices?: { cursor: unknown } } }).bookmarks.invoices?.cursor);
const windowsSent = (api: DateRangeApi): string[] => [...new Set(api.requests.map((q) => `${q.dateFrom}..${q.dateTo}`))];

/** The saved state files under CONNECTORS_HOME of the `windows` connector. */
function savedState(home: string): unknown[] {
  const found: unknown[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${rel}${entry.name}/`);
      else if (entry.name.endsWith('.json') && rel.includes('windows')) found.push(JSON.parse(readFileSync(path, 'utf8')));
    }
  };
  walk(home, '');
  return found;
}

describe('connectors run: date windows', () => {
  it('reads every record exactly once across half-open windows and writes STATE after each completed window', async () => {
    const api = await startDateRangeApi();
    const home = freshHome();
    const result = await runManifest('date-windows', api, [], { home });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(INVOICES.map((invoice) => invoice.id));
    expect(windowsSent(api)).toEqual(['2025-01-01..2025-01-31', '2025-01-31..2025-03-02', '2025-03-02..2025-04-01']);
    expect(cursors(result.stdout)).toEqual(['2025-01-31', '2025-03-02', '2025-04-01']);
    expect(savedState(home)).toEqual([{ bookmarks: { invoices: { cursor: '2025-04-01' } } }]);

    // The next run starts at the saved cursor: nothing is left before 2025-04-01.
    api.requests.length = 0;
    const again = await runManifest('date-windows', api, ['--config', 'end=2025-04-11'], { home });
    expect(again.code).toBe(0);
    expect(windowsSent(api)).toEqual(['2025-04-01..2025-04-11']);
    expect(ids(again.stdout)).toEqual([]);
    expect(cursors(again.stdout)).toEqual(['2025-04-11']);
  });

  it('resumes a run cut short from the last completed window', async () => {
    const api = await startDateRangeApi();
    const home = freshHome();
    api.failFrom = '2025-03-02';
    const cut = await runManifest('date-windows', api, [], { home });
    expect(cut.code).toBe(1);
    expect(ids(cut.stdout)).toEqual(INVOICES.slice(0, 60).map((invoice) => invoice.id));
    expect(cursors(cut.stdout)).toEqual(['2025-01-31', '2025-03-02']);
    expect(savedState(home)).toEqual([{ bookmarks: { invoices: { cursor: '2025-03-02' } } }]);
    expect(cut.stderr).toContain('window [2025-03-02, 2025-04-01)');

    api.failFrom = undefined;
    api.requests.length = 0;
    const resumed = await runManifest('date-windows', api, [], { home });
    expect(resumed.code).toBe(0);
    expect(windowsSent(api)).toEqual(['2025-03-02..2025-04-01']);
    expect(ids(resumed.stdout)).toEqual(INVOICES.slice(60).map((invoice) => invoice.id));
    expect(savedState(home)).toEqual([{ bookmarks: { invoices: { cursor: '2025-04-01' } } }]);
  });

  it('saves the last completed window on Ctrl-C during a window, and the next run starts there', async () => {
    const api = await startDateRangeApi();
    const home = freshHome();
    api.stallFrom = '2025-03-02';
    const child = spawn(process.execPath, [cliBin, 'run', runFixture('date-windows'), '--config', `base_url=${api.url}`], {
      env: { PATH: process.env.PATH, CONNECTORS_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (api.requests.some((q) => q.dateFrom === api.stallFrom)) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toBe('Error: Interrupted; the state reached so far is saved.');
    expect(hasStack(stderr)).toBe(false);
    expect(ids(stdout)).toEqual(INVOICES.slice(0, 60).map((invoice) => invoice.id));
    expect(savedState(home)).toEqual([{ bookmarks: { invoices: { cursor: '2025-03-02' } } }]);

    api.stallFrom = undefined;
    api.requests.length = 0;
    const resumed = await runManifest('date-windows', api, [], { home });
    expect(resumed.code).toBe(0);
    expect(windowsSent(api)).toEqual(['2025-03-02..2025-04-01']);
    expect(ids(resumed.stdout)).toEqual(INVOICES.slice(60).map((invoice) => invoice.id));
  });

  it('names the window the API refuses as too large, in one sentence without a stack', async () => {
    const api = await startDateRangeApi();
    const dir = mkdtempSync(join(tmpdir(), 'connectors-windows-'));
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, readFileSync(runFixture('date-windows'), 'utf8').replace('step: P30D', 'step: P45D'));
    const result = await runCli(['run', file, '--config', `base_url=${api.url}`], { env: { CONNECTORS_HOME: freshHome() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Stream "invoices", window [2025-01-01, 2025-02-15): ');
    expect(result.stderr).toContain('422');
    expect(hasStack(result.stderr)).toBe(false);
    expect(ids(result.stdout)).toEqual([]);
  });

  it('refuses a start after the end in one sentence, exit 2', async () => {
    const api = await startDateRangeApi();
    const result = await runManifest('date-windows', api, ['--config', 'start=2025-05-01'], { home: freshHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Stream "invoices": the date windows start at 2025-05-01, after their end 2025-04-01.');
    expect(hasStack(result.stderr)).toBe(false);
    expect(api.requests).toEqual([]);
  });

  it('validate refuses a step that is not an ISO-8601 duration at file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectors-windows-'));
    const file = join(dir, 'bad-step.yaml');
    writeFileSync(file, readFileSync(runFixture('date-windows'), 'utf8').replace('step: P30D', 'step: 30 days'));
    const result = await runCli(['validate', file]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(`${file}:26:13: streams[0].partition.step: step "30 days" is not an ISO-8601 duration`);
    expect(hasStack(result.stderr)).toBe(false);
  });
});
