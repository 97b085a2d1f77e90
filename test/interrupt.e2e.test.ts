/**
 * Ctrl-C during `connectors run`: the stream stops between pages, the state reached (the last
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
let home: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  pages = 0;
  // Each page holds two records whose `updated` grows by a day per page; answers take 150 ms.
  server = createServer((_req, res) => {
    pages += 1;
    const day = `2024-01-${String(pages).padStart(2, '0')}`;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [{ id: pages * 2, updated: day }, { id: pages * 2 + 1, updated: day }], next: `c${pages}` }));
    }, 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
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
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(code).toBe(1);
  expect(stderr.trim().split('\n').at(-1)).toBe('Error: Interrupted; the state reached so far is saved.');
  expect(stderr).not.toMatch(/\n\s+at /);
  const stateFile = join(home, 'state', 'slow', 'default.json');
  expect(existsSync(stateFile)).toBe(true);
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { bookmarks: { items: { cursor: string } } };
  // The checkpoint is below the largest value written (records of that day may still follow).
  const written = [...stdout.matchAll(/"updated":"([^"]+)"/g)].map((m) => m[1]!).sort();
  expect(saved.bookmarks.items.cursor < written.at(-1)!).toBe(true);
  expect(saved.bookmarks.items.cursor >= '2024-01-02').toBe(true);
  expect(pages).toBeLessThan(40);
});
