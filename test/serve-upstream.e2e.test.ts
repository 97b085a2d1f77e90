/**
 * What keeps `connectors serve`'s proxy cheap per request (issue 10), end to end with the built CLI:
 * the upstream connection is kept alive and reused (one socket for many sequential requests, not
 * one per request), and the audit log, written in batches, still has exactly one JSON line per
 * request, all of them out by the time the service exits on SIGTERM, none with the secret.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findLeaks, makeHome } from './helpers/cli.js';
import { secretEnvName } from './helpers/manifests.js';
import { addCaller, callServe, startServe, type RunningServe } from './helpers/serve.js';

const API_KEY = 'upstream-api-key-value-4Rk';
const REQUESTS = 20;

let home: string;
let cleanup: () => void;
let api: Server;
let apiUrl: string;
let sockets: number;
let served: number;
let serve: RunningServe | undefined;

beforeEach(async () => {
  ({ home, cleanup } = makeHome());
  sockets = 0;
  served = 0;
  api = createServer((request, response) => {
    request.resume();
    served += 1;
    const ok = request.headers['x-api-key'] === API_KEY;
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });
  api.keepAliveTimeout = 60_000;
  api.on('connection', () => (sockets += 1));
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterEach(async () => {
  if (serve) await serve.stop('SIGKILL');
  serve = undefined;
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  cleanup();
});

function writeApiKeyConnector(catalog: string): void {
  mkdirSync(join(catalog, 'keyed'), { recursive: true });
  writeFileSync(
    join(catalog, 'keyed', 'connector.yaml'),
    `apiVersion: connectors/v1\nname: keyed\nauth:\n  scheme: api_key\n  in: header\n  name: X-API-Key\nbase_url: ${apiUrl}\nstreams:\n  - name: items\n    path: /items\n    records: items\n`,
  );
}

it('reuses one upstream connection for sequential requests and writes one audit line per request, all out at SIGTERM', async () => {
  const catalog = join(home, 'catalog');
  writeApiKeyConnector(catalog);
  const env = { CONNECTORS_HOME: home, CONNECTORS_CATALOG: catalog, [secretEnvName('keyed', 'api_key')]: API_KEY };
  const key = await addCaller(env, 'etl', ['--allow', 'keyed/*']);
  serve = await startServe(env);

  for (let i = 0; i < REQUESTS; i++) {
    const answer = await callServe(serve, `/v1/proxy/keyed/default/items/${i}?page=${i}`, key);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
  }
  expect(served).toBe(REQUESTS);
  expect(sockets).toBe(1);

  const stopped = await serve.stop('SIGTERM');
  expect(stopped.code).toBe(0);
  const audit = serve.lines().filter((line) => typeof line.path === 'string' && line.path.startsWith('/items/'));
  expect(audit.map((line) => line.path)).toEqual(Array.from({ length: REQUESTS }, (_, i) => `/items/${i}`));
  for (const line of audit) expect(line).toMatchObject({ caller: 'etl', method: 'GET', connector: 'keyed', connection: 'default', status: 200, upstreamStatus: 200 });
  expect(findLeaks(serve.output(), [API_KEY, key])).toEqual([]);
  serve = undefined;
});
