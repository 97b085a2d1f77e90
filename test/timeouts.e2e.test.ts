// A server that sends its headers and then stalls: the run fails on the idle timeout set by the
// manifest's `timeout`, retries as `retry` says, and ends with one sentence naming the stream and
// the timeout, exit 1, no stack trace.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, type TestContext } from 'vitest';
import { makeHome, runCli } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';

async function startStallingServer(t: TestContext) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data": [{"id": 1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const manifest = (timeout: string) => `apiVersion: connectors/v1
name: stalling
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth: {scheme: none}
base_url: "{{ config.base_url }}"
retry: {limit: 1, max_delay: 0.1}
timeout: {response: 30, idle: 30}
streams:
  - name: items
    path: /items
    records: data
    timeout: ${timeout}
`;

describe('timeouts', () => {
  it('a body that stalls fails on the stream idle timeout after the retry, naming the stream and the timeout', async (t) => {
    const server = await startStallingServer(t);
    const { home, cleanup } = makeHome();
    t.onTestFinished(() => cleanup());
    const file = writeManifest(home, 'stalling', manifest('{idle: 1}'));
    const started = Date.now();
    const result = await runCli(['run', file, '--config', `base_url=${server.url}`], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error: '));
    expect(errors).toEqual([`Error: Stream "items": GET ${server.url}/items failed after 1 retry: the server sent nothing for 1 s (timeout.idle).`]);
    expect(result.stderr).not.toMatch(/^\s+at\s/m);
    expect(server.requests()).toBe(2);
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('validate accepts timeout as a number and as {response, idle}, and rejects a bad one', async (t) => {
    const { home, cleanup } = makeHome();
    t.onTestFinished(() => cleanup());
    expect((await runCli(['validate', writeManifest(home, 'ok', manifest('5'))])).code).toBe(0);
    const bad = await runCli(['validate', writeManifest(home, 'bad', manifest('{idle: -1}'))]);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/connector\.yaml:\d+:\d+/);
  });

  it('a connection reset part-way through a page is retried and each record is written once', async (t) => {
    const records = Array.from({ length: 2000 }, (_, id) => ({ id, name: `record ${id}` }));
    const body = JSON.stringify({ data: records });
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      // The first answer breaks off after about a third of the page, once those bytes are out.
      if (requests === 1) res.write(body.slice(0, Math.floor(body.length / 3)), () => setTimeout(() => res.socket?.destroy(), 100));
      else res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.onTestFinished(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { home, cleanup } = makeHome();
    t.onTestFinished(() => cleanup());
    const file = writeManifest(home, 'stalling', manifest('{idle: 10}'));
    const result = await runCli(['run', file, '--config', `base_url=${url}`], { env: { CONNECTORS_HOME: home } });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    const ids = result.stdout
      .split('\n')
      .filter((line) => line.includes('"type":"RECORD"'))
      .map((line) => (JSON.parse(line) as { record: { id: number } }).record.id);
    expect(ids).toEqual(records.map((record) => record.id));
    expect(requests).toBe(2);
  });
});
