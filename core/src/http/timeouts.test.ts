import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { createRuntimeHttpClient } from './client.js';
import { resolveTimeouts } from './timeouts.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A local server; returns its URL and the number of requests it got so far. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let count = 0;
  server = createServer((req, res) => handler(req, res, ++count));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`, requests: () => count };
}

const client = () => createRuntimeHttpClient({ sleep: async () => undefined });

describe('resolveTimeouts', () => {
  it('reads a number as both timeouts and an object per timeout, in seconds', () => {
    const defaults = { responseMs: 60_000, idleMs: 60_000 };
    expect(resolveTimeouts(undefined, defaults)).toEqual(defaults);
    expect(resolveTimeouts(5, defaults)).toEqual({ responseMs: 5000, idleMs: 5000 });
    expect(resolveTimeouts({ idle: 0.5 }, defaults)).toEqual({ responseMs: 60_000, idleMs: 500 });
  });
});

describe('timeouts and broken bodies', () => {
  it('a server that sends headers and then stalls fails on the idle timeout, is retried, and says so', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id":'); // and never more
    });
    const started = Date.now();
    const error = (await client()
      .request({ url: api.url, retry: { limit: 1 }, timeout: { idle: 0.3 } })
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe(`GET ${api.url} failed after 1 retry: the server sent nothing for 300 ms (timeout.idle).`);
    expect(api.requests()).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a server that never answers fails on the response timeout', async () => {
    const api = await serve(() => undefined);
    const error = (await client()
      .request({ url: api.url, retry: { limit: 0 }, timeout: { response: 0.3, idle: 30 } })
      .catch((e: unknown) => e)) as HttpError;
    expect(error.message).toBe(`GET ${api.url} failed: no response within 300 ms (timeout.response).`);
  });

  it('a connection reset mid-body is a network error and is retried', async () => {
    const api = await serve((_req, res, n) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      if (n === 1) {
        res.write('[{"id":1}');
        setTimeout(() => res.socket?.destroy(), 50);
      } else {
        res.end('[{"id":1}]'.padEnd(100, ' '));
      }
    });
    const response = await client().request({ url: api.url, retry: { limit: 2 } });
    expect(response.json()).toEqual([{ id: 1 }]);
    expect(api.requests()).toBe(2);
  });
});
