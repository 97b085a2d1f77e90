// Issue 9: a reset or a stall mid-body is a network error and is retried (section 8), streamed too.
// No nock in this file: its pass-through to 127.0.0.1 leaves got's socket timeouts unhandled.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { createRuntimeHttpClient } from './client.js';

function setup() {
  const delays: number[] = [];
  const client = createRuntimeHttpClient({ random: () => 0.5, sleep: async (ms) => void delays.push(ms) });
  return { client, delays };
}

async function text(body: AsyncIterable<Buffer>): Promise<string> {
  let out = '';
  for await (const chunk of body) out += chunk.toString('utf8');
  return out;
}

/** A real local server (nock cannot break a body part-way); `n` counts its requests from 1. */
async function localServer(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let count = 0;
  const server = createServer((req, res) => handler(req, res, ++count));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
    requests: () => count,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('RuntimeHttpClient.stream: a body that breaks off', () => {
  const whole = JSON.stringify({ items: Array.from({ length: 200 }, (_, id) => ({ id, name: `record ${id}` })) });

  it('a connection reset mid-body is retried and the reader sees one unbroken body', async () => {
    const api = await localServer((_req, res, n) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(whole)) });
      if (n === 1) {
        res.write(whole.slice(0, 1234), () => setTimeout(() => res.socket?.destroy(), 50));
      } else res.end(whole);
    });
    try {
      const { client, delays } = setup();
      const response = await client.stream({ url: api.url, retry: { limit: 2 } });
      expect(await text(response.body)).toBe(whole);
      expect(api.requests()).toBe(2);
      expect(delays).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('a body that stalls after the headers fails on the idle timeout after its retries, in one sentence', async () => {
    const api = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[{"id":'); // and never more
    });
    try {
      const { client } = setup();
      const response = await client.stream({ url: api.url, retry: { limit: 1 }, timeout: { idle: 0.3 } });
      const error = (await text(response.body).catch((e: unknown) => e)) as HttpError;
      expect(error).toBeInstanceOf(HttpError);
      expect(error.message).toBe(`GET ${api.url} failed after 1 retry: the server sent nothing for 300 ms (timeout.idle).`);
      expect(api.requests()).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('a retry whose answer has another length fails instead of splicing two bodies', async () => {
    const api = await localServer((_req, res, n) => {
      const body = n === 1 ? whole : `${whole}  `;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      if (n === 1) res.write(body.slice(0, 500), () => setTimeout(() => res.socket?.destroy(), 50));
      else res.end(body);
    });
    try {
      const { client } = setup();
      const response = await client.stream({ url: api.url, retry: { limit: 2 } });
      await expect(text(response.body)).rejects.toThrow(
        `GET ${api.url} failed: the body broke off, and the answer to the retry is not the same length, so the page cannot be resumed.`,
      );
    } finally {
      await api.close();
    }
  });

  it('an abort while the body downloads ends the download with the abort reason, unretried', async () => {
    const api = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
    });
    try {
      const { client } = setup();
      const controller = new AbortController();
      const response = await client.stream({ url: api.url, signal: controller.signal });
      const reading = text(response.body).catch((e: unknown) => e);
      const reason = new Error('interrupted');
      reason.name = 'AbortError';
      controller.abort(reason);
      const error = (await reading) as Error;
      expect(error.name).toBe('AbortError');
      expect(api.requests()).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('an abort before the answer rejects with the abort reason', async () => {
    const api = await localServer(() => undefined);
    try {
      const { client } = setup();
      const controller = new AbortController();
      const reason = new Error('interrupted');
      reason.name = 'AbortError';
      const opening = client.stream({ url: api.url, signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(reason), 100);
      expect(await opening).toBe(reason);
    } finally {
      await api.close();
    }
  });
});
