/**
 * Ctrl-C during `connectors run`: the request in flight is aborted, the state reached (the last
 * safe checkpoint) is saved for the next run, and the command ends with one line and exit 1 (the work did not finish).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cliBin, makeHome } from './helpers/cli.js';

let server: Server;
let url: string;
let pages = 0;
/** From this page on the server answers only after 30 s (a request in flight at Ctrl-C). */
let stallFrom = Infinity;
/** Once true the server answers nothing more, so a client can send at most one request after it. */
let answerNoMore = false;
let home: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  pages = 0;
  stallFrom = Infinity;
  answerNoMore = false;
  // Each page holds two records whose `updated` grows by a day per page; answers take 150 ms.
  server = createServer((_req, res) => {
    pages += 1;
    const day = `2024-01-${String(pages).padStart(2, '0')}`;
    setTimeout(() => {
      if (answerNoMore) return; // held until afterEach closes the connections
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [{ id: pages * 2, updated: day }, { id: pages * 2 + 1, updated: day }], next: `c${pages}` }));
    }, pages >= stallFrom ? 30_000 : 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  cleanup();
});

it('saves the last safe checkpoint and exits 1 on SIGINT', async () => {
  const manifest = join(home, 'slow.yaml');
  writeFileSync(manifest, [
    'apiVersion: connectors/v1',
    'name: slow',
    'auth: {scheme: none}',
    `base_url: ${url}`,
    'streams:',
    '  - name: items',
    '    path: /items',
    '    records: items',
    '    pagination: {type: cursor, cursor_path: next}',
    '    incremental: {param: since, cursor_field: updated}',
    '',
  ].join('\n'));
  const child = spawn(process.execPath, [cliBin, 'run', manifest], {
    env: { PATH: process.env.PATH, CONNECTORS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Interrupt once a few pages are out.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if ((stdout.match(/"type":"RECORD"/g) ?? []).length >= 6) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  // From the interrupt on no page is answered: the run can have at most one request on its way
  // (sent, or about to be sent for a page it already has), and must ask for no page after it.
  const requestedBefore = pages;
  answerNoMore = true;
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(code).toBe(1);
  expect(stderr.trim().split('\n').at(-1)).toBe('Error: Interrupted; the state reached so far is saved.');
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(pages - requestedBefore).toBeLessThanOrEqual(1);
  const stateFile = join(home, 'state', 'slow', 'default.json');
  expect(existsSync(stateFile)).toBe(true);
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { bookmarks: { items: { cursor: string } } };
  // The checkpoint is below the largest value written (records of that day may still follow).
  const written = [...stdout.matchAll(/"updated":"([^"]+)"/g)].map((m) => m[1]!).sort();
  expect(saved.bookmarks.items.cursor < written.at(-1)!).toBe(true);
  expect(saved.bookmarks.items.cursor >= '2024-01-02').toBe(true);
});

it('aborts the request in flight on SIGINT, saves the state reached and exits 1 within a second', async () => {
  stallFrom = 4;
  const manifest = join(home, 'stall.yaml');
  writeFileSync(manifest, [
    'apiVersion: connectors/v1',
    'name: stall',
    'auth: {scheme: none}',
    `base_url: ${url}`,
    'streams:',
    '  - name: items',
    '    path: /items',
    '    records: items',
    '    pagination: {type: cursor, cursor_path: next}',
    '    incremental: {param: since, cursor_field: updated}',
    '',
  ].join('\n'));
  const child = spawn(process.execPath, [cliBin, 'run', manifest], {
    env: { PATH: process.env.PATH, CONNECTORS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Wait until the fourth request (answered only after 30 s) is in flight.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (pages >= stallFrom) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const interrupted = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const took = Date.now() - interrupted;

  expect(code).toBe(1);
  // Within a second on a quiet machine; 10 s leaves a wide margin under load, far below the 30 s answer.
  expect(took).toBeLessThan(10_000);
  expect(stderr.trim().split('\n').at(-1)).toBe('Error: Interrupted; the state reached so far is saved.');
  expect(stderr).not.toMatch(/\n\s+at /);
  const saved = JSON.parse(readFileSync(join(home, 'state', 'stall', 'default.json'), 'utf8')) as { bookmarks: { items: { cursor: string } } };
  // Pages 1-3 were read; the checkpoint is the day of page 2 (page 3's day may still have records).
  expect(saved.bookmarks.items.cursor).toBe('2024-01-02');
  expect((stdout.match(/"type":"RECORD"/g) ?? []).length).toBe(6);
});
