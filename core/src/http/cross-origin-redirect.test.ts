import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import type { Session } from '../plugin-api.js';
import { createRuntimeHttpClient } from './client.js';
import type { RequestAuth } from './hooks.js';
import { Redactor } from './redact.js';

const API = 'https://api.example.com';
const OTHER = 'https://other.example.net';
const KEY = 'key-0123456789abcdef';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

/** An api_key-like scheme: a custom header and a query parameter. */
function keyAuth(): RequestAuth {
  const session: Session = { secrets: { api_key: KEY } };
  return {
    getSession: async () => session,
    renewAfterUnauthorized: async () => session,
    apply(request, current) {
      request.headers['x-api-key'] = current.secrets.api_key!;
      request.url.searchParams.set('key', current.secrets.api_key!);
    },
  };
}

function client(options: { auth?: RequestAuth; redactor?: Redactor } = {}) {
  return createRuntimeHttpClient({ ...options, sleep: async () => undefined });
}

describe('cross-origin redirects', () => {
  it('drops the headers and query parameters the scheme set, and keeps the others', async () => {
    nock(API).get('/moved').query({ key: KEY }).matchHeader('x-api-key', KEY).reply(302, '', { location: `${OTHER}/file?page=2&key=${KEY}` });
    const other = nock(OTHER, { badheaders: ['x-api-key'] })
      .get('/file')
      .query((query) => query.page === '2' && !('key' in query))
      .matchHeader('accept', 'text/plain')
      .reply(200, 'file');
    const response = await client({ auth: keyAuth() }).request({ url: `${API}/moved`, headers: { accept: 'text/plain' } });
    expect(response.body).toBe('file');
    other.done();
  });

  it('keeps the credentials on a same-origin redirect', async () => {
    nock(API).get('/a').query({ key: KEY }).reply(301, '', { location: '/b' });
    const scope = nock(API).get('/b').query({ key: KEY }).matchHeader('x-api-key', KEY).reply(200, 'b');
    expect((await client({ auth: keyAuth() }).request({ url: `${API}/a` })).body).toBe('b');
    scope.done();
  });

  it('treats another scheme or port as another origin', async () => {
    nock(API).get('/a').query(true).reply(302, '', { location: 'http://api.example.com/b' });
    const plain = nock('http://api.example.com', { badheaders: ['x-api-key'] }).get('/b').reply(302, '', { location: 'https://api.example.com:8443/c' });
    const port = nock('https://api.example.com:8443', { badheaders: ['x-api-key'] }).get('/c').reply(200, 'c');
    expect((await client({ auth: keyAuth() }).request({ url: `${API}/a` })).body).toBe('c');
    plain.done();
    port.done();
  });

  it('drops any header or parameter holding a known secret, without auth (token requests)', async () => {
    const redactor = new Redactor();
    redactor.add(KEY);
    nock(API).get('/token').query(true).reply(302, '', { location: `${OTHER}/token?app=${KEY}` });
    const other = nock(OTHER, { badheaders: ['so-apptoken', 'x-token'] })
      .get('/token')
      .query((query) => !('app' in query))
      .reply(200, 'ok');
    const response = await client({ redactor }).request({
      url: `${API}/token`,
      searchParams: { app: KEY },
      headers: { 'SO-AppToken': KEY, 'x-token': `Token ${KEY}` },
    });
    expect(response.body).toBe('ok');
    other.done();
  });

  it('refuses a cross-origin redirect that would resend the body', async () => {
    const redactor = new Redactor();
    redactor.add(KEY);
    nock(API).post('/token').reply(307, '', { location: `${OTHER}/token` });
    const other = nock(OTHER).post('/token').reply(200, 'stolen');
    const error = (await client({ redactor })
      .request({ method: 'POST', url: `${API}/token`, form: { client_secret: KEY } })
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe(
      'POST https://api.example.com/token was redirected (307) to another origin, https://other.example.net, with its body; refusing to send the request there.',
    );
    expect(other.isDone()).toBe(false);
  });

  it('follows a same-origin 307 with its body', async () => {
    nock(API).post('/token').reply(307, '', { location: '/token2' });
    const scope = nock(API).post('/token2', 'a=1').reply(200, 'ok');
    expect((await client().request({ method: 'POST', url: `${API}/token`, form: { a: '1' } })).body).toBe('ok');
    scope.done();
  });

  it('says "too many redirects" for a redirect loop', async () => {
    nock(API).get('/loop').times(20).reply(302, '', { location: '/loop' });
    const error = (await client().request({ url: `${API}/loop` }).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe('GET https://api.example.com/loop failed: too many redirects (more than 10).');
  });
});
