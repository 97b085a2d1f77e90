import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { AuthError, HttpError } from '../errors.js';
import type { OutgoingRequest, Session } from '../plugin-api.js';
import { createRuntimeHttpClient, USER_AGENT, type RuntimeHttpClientOptions } from './client.js';
import { createCookieJar, restoreCookieJar, serializeCookieJar } from './cookie-jar.js';
import type { RequestAuth } from './hooks.js';
import { Redactor } from './redact.js';

const API = 'https://api.example.com';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

/** A client whose retry waits are recorded instead of slept. */
function fastClient(options: RuntimeHttpClientOptions = {}) {
  const delays: number[] = [];
  const client = createRuntimeHttpClient({
    random: () => 0.999999,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { client, delays };
}

/** An auth binding that counts its calls and hands out tokens tok-1, tok-2, ... */
function tokenAuth(apply?: (request: OutgoingRequest, session: Session) => void) {
  let issued = 1;
  const calls = { getSession: 0, renew: [] as string[] };
  let current: Session = { secrets: { token: 'token-1' } };
  const auth: RequestAuth = {
    async getSession() {
      calls.getSession += 1;
      return current;
    },
    async renewAfterUnauthorized(failed) {
      calls.renew.push(failed.secrets.token!);
      issued += 1;
      current = { secrets: { token: `token-${issued}` } };
      return current;
    },
    apply:
      apply ??
      ((request, session) => {
        request.headers.authorization = `Bearer ${session.secrets.token}`;
      }),
  };
  return { auth, calls };
}

describe('createRuntimeHttpClient: answers', () => {
  it('sends the user agent, query parameters, JSON and parses the answer', async () => {
    const scope = nock(API, { reqheaders: { 'user-agent': USER_AGENT, 'content-type': 'application/json' } })
      .post('/items', { a: 1 })
      .query({ page: '2', q: 'x y' })
      .reply(200, { ok: true }, { 'content-type': 'application/json' });
    const { client } = fastClient();
    const response = await client.request({ method: 'post', url: `${API}/items?q=x%20y`, searchParams: { page: 2 }, json: { a: 1 } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    expect(USER_AGENT).toMatch(/^connectors\/\d+\.\d+\.\d+/);
    scope.done();
  });

  it('returns a non-2xx answer when throwHttpErrors is false', async () => {
    nock(API).get('/missing').reply(404, 'nope');
    const { client } = fastClient();
    const response = await client.request({ url: `${API}/missing`, throwHttpErrors: false });
    expect(response.status).toBe(404);
    expect(response.body).toBe('nope');
  });

  it('raises an HttpError when the body is not JSON', async () => {
    nock(API).get('/html').reply(200, '<html></html>');
    const { client } = fastClient();
    const response = await client.request({ url: `${API}/html` });
    expect(() => response.json()).toThrow(/GET https:\/\/api.example.com\/html answered 200 with a body that is not JSON/);
  });
});

describe('createRuntimeHttpClient: retries', () => {
  it('retries 500 five times with doubling delays capped at 8 s, then fails', async () => {
    const scope = nock(API).get('/flaky').times(6).reply(500, { message: 'boom' });
    const { client, delays } = fastClient();
    const error = await client.request({ url: `${API}/flaky` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(500);
    expect((error as HttpError).message).toBe('GET https://api.example.com/flaky failed with status 500 after 5 retries: boom.');
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
    scope.done();
  });

  it('succeeds when a retry succeeds', async () => {
    nock(API).get('/once').reply(503).get('/once').reply(200, 'fine');
    const { client, delays } = fastClient();
    const response = await client.request({ url: `${API}/once` });
    expect(response.body).toBe('fine');
    expect(delays).toEqual([500]);
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', async () => {
    const now = new Date('2025-01-01T00:00:00Z');
    nock(API)
      .get('/limited')
      .reply(429, '', { 'retry-after': '3' })
      .get('/limited')
      .reply(429, '', { 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' })
      .get('/limited')
      .reply(429, '', { 'retry-after': '3600' })
      .get('/limited')
      .reply(200, 'ok');
    const { client, delays } = fastClient({ now: () => now });
    await client.request({ url: `${API}/limited` });
    expect(delays).toEqual([3000, 10_000, 60_000]);
  });

  it('does not retry 400 or 404', async () => {
    for (const status of [400, 404]) {
      const scope = nock(API).get('/bad').reply(status, { error: 'invalid_request' });
      const { client, delays } = fastClient();
      await expect(client.request({ url: `${API}/bad` })).rejects.toThrow(
        `GET https://api.example.com/bad failed with status ${status}: invalid_request.`,
      );
      expect(delays).toEqual([]);
      scope.done();
    }
  });

  it('takes a per-request retry override in manifest seconds', async () => {
    nock(API).get('/r').times(3).reply(502);
    const { client, delays } = fastClient();
    await expect(client.request({ url: `${API}/r`, retry: { limit: 2, max_delay: 0.6 } })).rejects.toThrow(/after 2 retries/);
    expect(delays).toEqual([500, 600]);
  });

  it('retries POST bodies', async () => {
    nock(API).post('/token', 'a=1').reply(500).post('/token', 'a=1').reply(200, 'ok');
    const { client } = fastClient();
    expect((await client.request({ method: 'POST', url: `${API}/token`, form: { a: '1' } })).body).toBe('ok');
  });
});

describe('createRuntimeHttpClient: auth', () => {
  it('applies the session and renews once after a 401, then retries once', async () => {
    const scope = nock(API)
      .get('/me')
      .matchHeader('authorization', 'Bearer token-1')
      .reply(401)
      .get('/me')
      .matchHeader('authorization', 'Bearer token-2')
      .reply(200, 'me');
    const { auth, calls } = tokenAuth();
    const { client } = fastClient({ auth });
    expect((await client.request({ url: `${API}/me` })).body).toBe('me');
    expect(calls.renew).toEqual(['token-1']);
    scope.done();
  });

  it('fails with an HttpError on a second 401 without renewing again', async () => {
    nock(API).get('/me').times(2).reply(401, { error: 'invalid_token' });
    const { auth, calls } = tokenAuth();
    const { client, delays } = fastClient({ auth });
    const error = await client.request({ url: `${API}/me` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect(calls.renew).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('renews once per request, so the next request may renew again', async () => {
    nock(API).get('/a').reply(401).get('/a').reply(200, 'a').get('/b').reply(401).get('/b').reply(200, 'b');
    const { auth, calls } = tokenAuth();
    const { client } = fastClient({ auth });
    await client.request({ url: `${API}/a` });
    await client.request({ url: `${API}/b` });
    expect(calls.renew).toEqual(['token-1', 'token-2']);
  });

  it('passes a failed renewal through as it is', async () => {
    nock(API).get('/me').reply(401);
    const { auth } = tokenAuth();
    auth.renewAfterUnauthorized = async () => {
      throw new AuthError('The refresh token was rejected (invalid_grant).');
    };
    const { client } = fastClient({ auth });
    await expect(client.request({ url: `${API}/me` })).rejects.toThrow(AuthError);
  });

  it('honours changes apply makes to url, headers and body, once per attempt', async () => {
    const { auth } = tokenAuth((request, session) => {
      request.url.searchParams.append('key', session.secrets.token!);
      request.headers['X-Signed'] = 'yes';
      request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; k=v` : 'k=v';
      request.body = `${String(request.body)}&sig=${session.secrets.token}`;
    });
    const scope = nock(API)
      .post('/sign', 'a=1&sig=token-1')
      .query({ key: 'token-1' })
      .matchHeader('x-signed', 'yes')
      .matchHeader('cookie', 'k=v')
      .reply(500)
      .post('/sign', 'a=1&sig=token-1')
      .query({ key: 'token-1' })
      .matchHeader('cookie', 'k=v')
      .reply(401)
      .post('/sign', 'a=1&sig=token-2')
      .query({ key: 'token-2' })
      .matchHeader('x-signed', 'yes')
      .matchHeader('cookie', 'k=v')
      .reply(200, 'signed');
    const { client } = fastClient({ auth });
    expect((await client.request({ method: 'POST', url: `${API}/sign`, form: { a: '1' } })).body).toBe('signed');
    scope.done();
  });

  it('does not send credentials to another origin after a redirect', async () => {
    nock(API).get('/moved').matchHeader('authorization', 'Bearer token-1').reply(302, '', { location: 'https://cdn.example.net/file' });
    const other = nock('https://cdn.example.net', { badheaders: ['authorization'] }).get('/file').reply(200, 'file');
    const { auth } = tokenAuth();
    const { client } = fastClient({ auth });
    expect((await client.request({ url: `${API}/moved` })).body).toBe('file');
    other.done();
  });

  it('raises an auth binding failure before the request as it is', async () => {
    const { auth } = tokenAuth();
    auth.getSession = async () => {
      throw new AuthError('Secret client_secret is missing.');
    };
    const { client, delays } = fastClient({ auth });
    await expect(client.request({ url: `${API}/x` })).rejects.toThrow('Secret client_secret is missing.');
    expect(delays).toEqual([]);
  });
});

describe('createRuntimeHttpClient: redaction', () => {
  it('redacts a secret in the URL query and in the provider body', async () => {
    const redactor = new Redactor();
    redactor.add('sk_live_12345');
    nock(API).get('/x').query(true).reply(403, { error: 'forbidden', error_description: 'key sk_live_12345 is revoked' });
    const { client } = fastClient({ redactor });
    const error = (await client.request({ url: `${API}/x`, searchParams: { api_key: 'sk_live_12345' } }).catch((e: unknown) => e)) as HttpError;
    expect(error.message).toBe('GET https://api.example.com/x?api_key=*** failed with status 403: forbidden: key *** is revoked.');
    expect(error.url).toBe('https://api.example.com/x?api_key=***');
    expect(JSON.stringify(error)).not.toContain('sk_live_12345');
    expect(Object.keys(error)).not.toContain('options');
  });

  it('redacts Authorization values it sent, and network messages', async () => {
    const redactor = new Redactor();
    const { auth } = tokenAuth((request) => {
      request.headers.authorization = 'Basic c2VjcmV0LXVzZXI6cGFzcw==';
    });
    nock(API).get('/y').reply(400, 'bad credentials c2VjcmV0LXVzZXI6cGFzcw==');
    const { client } = fastClient({ auth, redactor });
    await expect(client.request({ url: `${API}/y` })).rejects.toThrow('GET https://api.example.com/y failed with status 400: bad credentials ***.');
  });

  it('logs one redacted line per request', async () => {
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.add('secret-query');
    nock(API).get('/l').query(true).reply(200, 'ok');
    const { client } = fastClient({ redactor, logger: { debug: (line) => lines.push(line) } });
    await client.request({ url: `${API}/l?token=secret-query` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^GET https:\/\/api.example.com\/l\?token=\*\*\* 200 \d+ ms$/);
  });

  it('keeps long or HTML bodies out of the message', async () => {
    nock(API).get('/h').reply(404, '<html><body>Not Found</body></html>');
    const { client } = fastClient();
    await expect(client.request({ url: `${API}/h` })).rejects.toThrow(/^GET https:\/\/api.example.com\/h failed with status 404\.$/);
  });
});

describe('createRuntimeHttpClient: cookies', () => {
  it('keeps cookies across requests and restores them from the serialised jar', async () => {
    const jar = await createCookieJar();
    nock(API)
      .post('/login')
      .reply(200, 'in', { 'set-cookie': 'SESSIONID=abcdef123; Path=/; HttpOnly' })
      .get('/data')
      .matchHeader('cookie', 'SESSIONID=abcdef123')
      .reply(200, 'data');
    const { client } = fastClient({ cookieJar: jar });
    await client.request({ method: 'POST', url: `${API}/login` });
    expect((await client.request({ url: `${API}/data` })).body).toBe('data');

    const restored = await restoreCookieJar(await serializeCookieJar(jar));
    nock(API).get('/again').matchHeader('cookie', 'SESSIONID=abcdef123').reply(200, 'again');
    const next = fastClient({ cookieJar: restored }).client;
    expect((await next.request({ url: `${API}/again` })).body).toBe('again');
  });
});


/**
 * A real loopback server for what nock cannot fake with got (reset sockets, slow answers): the
 * handler gets the request number, starting at 1.
 */
async function withServer(
  handler: (attempt: number, request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void,
  run: (base: string) => Promise<void>,
): Promise<void> {
  let attempt = 0;
  const server: Server = createServer((request, response) => handler(++attempt, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('createRuntimeHttpClient: network errors and timeouts (loopback server)', () => {
  it('retries 408 and reset connections', async () => {
    await withServer(
      (attempt, _request, response) => {
        if (attempt === 1) response.writeHead(408).end();
        else if (attempt === 2) response.socket?.destroy();
        else response.end('ok');
      },
      async (base) => {
        const { client, delays } = fastClient();
        expect((await client.request({ url: `${base}/net` })).body).toBe('ok');
        expect(delays).toEqual([500, 1000]);
      },
    );
  });

  it('reports a refused connection after its retries as an HttpError', async () => {
    let port = 0;
    await withServer(
      () => {},
      async (base) => {
        port = Number(new URL(base).port);
      },
    );
    const { client, delays } = fastClient({ retry: { limit: 2 } });
    const error = await client.request({ url: `http://127.0.0.1:${port}/down` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe(`GET http://127.0.0.1:${port}/down failed after 2 retries: connect ECONNREFUSED 127.0.0.1:${port}.`);
    expect(delays).toEqual([500, 1000]);
  });

  it('fails a slow answer with a timeout after retries', async () => {
    await withServer(
      (_attempt, _request, response) => {
        setTimeout(() => response.end('late'), 500).unref();
      },
      async (base) => {
        const { client, delays } = fastClient({ timeout: { response: 50 }, retry: { limit: 1 } });
        await expect(client.request({ url: `${base}/slow` })).rejects.toThrow(
          `GET ${base}/slow failed after 1 retry: no response within 50 ms (timeout.response).`,
        );
        expect(delays).toEqual([500]);
      },
    );
  });
});
