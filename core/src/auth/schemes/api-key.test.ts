import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { apiKeyScheme, prefixApiKey } from './api-key.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The options as the runtime hands them over: schema defaults applied. */
function ctx(options: Record<string, unknown> = {}): AuthContext {
  return { secrets: { api_key: 'k-12345' }, options: { in: 'header', name: 'X-API-Key', prefix: '', ...options } } as unknown as AuthContext;
}

async function applied(options: Record<string, unknown>, headers: Record<string, string> = {}): Promise<OutgoingRequest> {
  const context = ctx(options);
  const session = await apiKeyScheme.authenticate(context);
  const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/items?page=2'), headers };
  await apiKeyScheme.apply(request, session, context);
  return request;
}

describe('api_key scheme', () => {
  it('declares api_key, required and injected', async () => {
    expect(apiKeyScheme.requiredSecrets.map((s) => s.name)).toEqual(['api_key']);
    expect(apiKeyScheme.injectedSecrets.map((s) => s.name)).toEqual(['api_key']);
    expect((await apiKeyScheme.authenticate(ctx())).secrets).toEqual({ api_key: 'k-12345' });
  });

  it('sends the key in the X-API-Key header by default', async () => {
    expect((await applied({})).headers).toEqual({ 'X-API-Key': 'k-12345' });
  });

  it('sends the key in a named query parameter, keeping the query', async () => {
    const request = await applied({ in: 'query', name: 'apiKey' });
    expect(request.url.search).toBe('?page=2&apiKey=k-12345');
    expect(request.headers).toEqual({});
  });

  it('sends the key as a cookie, after cookies already there', async () => {
    expect((await applied({ in: 'cookie', name: 'key' })).headers).toEqual({ cookie: 'key=k-12345' });
    expect((await applied({ in: 'cookie', name: 'key' }, { cookie: 'a=b' })).headers).toEqual({ cookie: 'a=b; key=k-12345' });
  });

  describe('prefix spacing (DESIGN.md section 8 "api_key prefix, exactly")', () => {
    it('adds one space after a prefix that does not end in whitespace', async () => {
      expect((await applied({ name: 'Authorization', prefix: 'Bearer' })).headers.Authorization).toBe('Bearer k-12345');
    });
    it('adds no space after a prefix that ends in whitespace', async () => {
      expect((await applied({ name: 'Authorization', prefix: 'Token ' })).headers.Authorization).toBe('Token k-12345');
      expect(prefixApiKey('Key\t', 'k')).toBe('Key\tk');
      expect(prefixApiKey('Bearer  ', 'k')).toBe('Bearer  k');
    });
    it('adds nothing for an empty prefix', () => {
      expect(prefixApiKey('', 'k')).toBe('k');
    });
    it('keeps a prefix ending in another character as it is, plus one space', () => {
      expect(prefixApiKey('key=', 'k')).toBe('key= k');
    });
  });

  it('reaches the server through the runtime client in each place', async () => {
    const scope = nock('https://api.example.com')
      .get('/h')
      .matchHeader('x-api-key', 'k-12345')
      .reply(200)
      .get('/q')
      .query({ api_key: 'k-12345' })
      .reply(200)
      .get('/c')
      .matchHeader('cookie', 'sid=1; api_key=k-12345')
      .reply(200);
    for (const [path, options, headers] of [
      ['/h', {}, {}],
      ['/q', { in: 'query', name: 'api_key' }, {}],
      ['/c', { in: 'cookie', name: 'api_key' }, { Cookie: 'sid=1' }],
    ] as const) {
      const context = ctx(options);
      const session = await apiKeyScheme.authenticate(context);
      const client = createRuntimeHttpClient({
        auth: { getSession: async () => session, renewAfterUnauthorized: async (s) => s, apply: (r, s) => apiKeyScheme.apply(r, s, context) },
      });
      expect((await client.request({ url: `https://api.example.com${path}`, headers: { ...headers } })).status).toBe(200);
    }
    scope.done();
  });
});
