// A big page streams: `connectors run` writes the first records of a page while the page is still
// downloading, and a cursor that comes after the records still reaches the paginator. The server
// sends the first half of a ~2 MB page and sends the rest only once the CLI has written records
// (after 20 s at the latest, so a CLI that waits for the whole page fails the test, not hangs it).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, parseLines, repoRoot } from './helpers/cli.js';

const FIRST_PAGE = 30_000; // ~2 MB of records: past the 1 MiB a page is read whole
const record = (id: number) => ({ id, name: `Record ${id} ✓`, note: 'x'.repeat(40) });
const recordsText = (from: number, to: number): string => {
  const parts: string[] = [];
  for (let id = from; id <= to; id += 1) parts.push(JSON.stringify(record(id)));
  return parts.join(',');
};

const manifest = (url: string): string => `apiVersion: connectors/v1
name: bigpage
auth:
  scheme: none
base_url: "${url}"
streams:
  - name: items
    path: /items
    records: data.items
    primary_key: id
    pagination: {type: cursor, cursor_path: meta.next, cursor_param: cursor}
`;

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('connectors run: a big page', () => {
  it('writes records before the page has finished downloading and follows a cursor sent after them', async () => {
    let wroteRecords: () => void = () => undefined;
    const recordsSeen = new Promise<void>((resolve) => (wroteRecords = resolve));
    let restSentAfterRecords: boolean | undefined;
    const requests: string[] = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('cursor=p2')) {
        res.end(JSON.stringify({ data: { items: [record(FIRST_PAGE + 1)] }, meta: { next: null } }));
        return;
      }
      const half = FIRST_PAGE / 2;
      res.write(`{"total": ${FIRST_PAGE + 1}, "data": {"items": [${recordsText(1, half)},`);
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000));
      void Promise.race([recordsSeen.then(() => true), timeout]).then((seen) => {
        restSentAfterRecords = seen;
        res.end(`${recordsText(half + 1, FIRST_PAGE)}]}, "meta": {"next": "p2"}}`);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    dir = mkdtempSync(join(tmpdir(), 'connectors-bigpage-'));
    const file = join(dir, 'bigpage.yaml');
    writeFileSync(file, manifest(`http://127.0.0.1:${address.port}`));

    const child = spawn(process.execPath, [cliBin, 'run', file], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CONNECTORS_HOME: join(dir, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('"type":"RECORD"')) wroteRecords();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(stderr).toMatch(/^items: 30,001 records, 2 pages in /);
    expect(code).toBe(0);
    expect(restSentAfterRecords).toBe(true);
    const ids = parseLines(stdout).filter((line) => line.type === 'RECORD').map((line) => (line.record as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: FIRST_PAGE + 1 }, (_, i) => i + 1));
    expect(requests).toHaveLength(2);
    expect(requests[1]).toContain('cursor=p2');
  }, 60_000);
});
