import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import type { Session } from '../plugin-api.js';
import { createRuntimeHttpClient } from './client.js';
import type { RequestAuth } from './hooks.js';
import { Redactor } from './redact.js';

const API = 'https://api.example.com';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function setup(auth?: RequestAuth, redactor?: Redactor) {
  const delays: number[] = [];
  const client = createRuntimeHttpClient({
    random: () => 0.999999,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...(auth ? { auth } : {}),
    ...(redactor ? { redactor } : {}),
  });
  return { client, delays };
}

function tokenAuth() {
  let issued = 1;
  const renewed: string[] = [];
  let current: Session = { secrets: { token: 'token-1' } };
  const auth: RequestAuth = {
    getSession: async () => current,
    async renewAfterUnauthorized(failed) {
      renewed.push(failed.secrets.token!);
      issued += 1;
      current = { secrets: { token: `token-${issued}` } };
      return current;
    },
    apply: (request, session) => {
      request.headers.authorization = `Bearer ${session.secrets.token}`;
    },
  };
  return { auth, renewed };
}

async function text(body: AsyncIterable<Buffer>): Promise<string> {
  let out = '';
  for await (const chunk of body) out += chunk.toString('utf8');
  return out;
}

describe('RuntimeHttpClient.stream', () => {
  it('resolves at the headers of a 2xx answer and hands the body over as it arrives', async () => {
    nock(API).get('/items').query({ page: '1' }).reply(200, '{"items":[1,2]}', { 'x-total': '2' });
    const { client } = setup();
    const response = await client.stream({ url: `${API}/items`, searchParams: { page: 1 } });
    expect(response.status).toBe(200);
    expect(response.headers['x-total']).toBe('2');
    expect(await text(response.body)).toBe('{"items":[1,2]}');
  });

  it('retries 500 and 429 with the client backoff and Retry-After, then streams', async () => {
    nock(API).get('/items').reply(500, 'boom').get('/items').reply(429, '', { 'retry-after': '2' });
    nock(API).get('/items').reply(200, '[]');
    const { client, delays } = setup();
    const response = await client.stream({ url: `${API}/items` });
    expect(await text(response.body)).toBe('[]');
    expect(delays).toEqual([500, 2000]);
  });

  it('retries a connection reset before the answer (a real local server)', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      if (requests === 1) req.socket.destroy();
      else res.end('{"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { client, delays } = setup();
      const response = await client.stream({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items` });
      expect(await text(response.body)).toBe('{"items":[]}');
      expect(requests).toBe(2);
      expect(delays).toEqual([500]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails after its retries with the one-sentence status error, and does not retry a 404', async () => {
    nock(API).get('/items').times(3).reply(503, { error: 'unavailable' });
    const { client } = setup();
    await expect(client.stream({ url: `${API}/items`, retry: { limit: 2 } })).rejects.toThrow(
      'GET https://api.example.com/items failed with status 503 after 2 retries: unavailable.',
    );
    nock(API).get('/missing').reply(404, { message: 'no such thing' });
    await expect(client.stream({ url: `${API}/missing` })).rejects.toThrow('GET https://api.example.com/missing failed with status 404: no such thing.');
  });

  it('renews the session once after a 401 and retries once with the new credentials', async () => {
    const { auth, renewed } = tokenAuth();
    nock(API).get('/items').matchHeader('authorization', 'Bearer token-1').reply(401);
    nock(API).get('/items').matchHeader('authorization', 'Bearer token-2').reply(200, '[1]');
    const { client } = setup(auth);
    expect(await text((await client.stream({ url: `${API}/items` })).body)).toBe('[1]');
    expect(renewed).toEqual(['token-1']);

    nock(API).get('/items').times(2).reply(401);
    const failure = await client.stream({ url: `${API}/items` }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(401);
    expect(renewed).toEqual(['token-1', 'token-2']);
  });

  it('names the URL redacted in the not-JSON error it prepares', async () => {
    const redactor = new Redactor();
    redactor.add('sekret-key-1');
    nock(API).get('/items').query({ key: 'sekret-key-1' }).reply(200, '<html>');
    const { client } = setup(undefined, redactor);
    const response = await client.stream({ url: `${API}/items?key=sekret-key-1` });
    response.body.destroy();
    const error = response.notJsonError();
    expect(error.message).toMatch(/^GET https:\/\/api\.example\.com\/items\?key=\S+ answered 200 with a body that is not JSON\.$/);
    expect(error.message).not.toContain('sekret-key-1');
  });
});
