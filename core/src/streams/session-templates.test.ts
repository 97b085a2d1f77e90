import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from '../http/client.js';
import type { RequestAuth } from '../http/hooks.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import type { Session } from '../plugin-api.js';
import { compileStreamRequest } from './stream-request.js';

const API = 'https://api.example.com';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

/** Hands out token-1, then token-2 after a 401; applies nothing itself (like `apply: false`). */
function renewingAuth(): RequestAuth {
  let current: Session = { secrets: { oauth_access_token: 'token-1' } };
  return {
    getSession: async () => current,
    renewAfterUnauthorized: async () => (current = { secrets: { oauth_access_token: 'token-2' } }),
    apply: () => undefined,
  };
}

const stream: StreamDefinition = {
  name: 'items',
  path: '/items',
  headers: { 'x-token': '{{ secrets.oauth_access_token }}', accept: 'application/json' },
  params: { sig: '{{ secrets.oauth_access_token }}', q: 'a' },
};
const manifest: Manifest = { apiVersion: 'connectors/v1', name: 'demo', auth: { scheme: 'none' }, base_url: API, streams: [stream] };
const forSession = (session: Session) => ({ secrets: session.secrets, auth: {} });

describe('headers and params templated from the session', () => {
  it('are rendered again after a 401 renewal, so the retry carries the new token', async () => {
    const scope = nock(API)
      .get('/items')
      .query({ q: 'a', sig: 'token-1' })
      .matchHeader('x-token', 'token-1')
      .reply(401)
      .get('/items')
      .query({ q: 'a', sig: 'token-2' })
      .matchHeader('x-token', 'token-2')
      .matchHeader('accept', 'application/json')
      .reply(200, '[]');
    const request = compileStreamRequest(manifest, stream).build(
      { secrets: { oauth_access_token: 'token-1' }, page: {} },
      { params: {}, page: {} },
      undefined,
      forSession,
    );
    const http = createRuntimeHttpClient({ auth: renewingAuth(), sleep: async () => undefined });
    expect((await http.request(request)).status).toBe(200);
    scope.done();
  });

  it('are rendered with the values the request was built with when the client has no auth', async () => {
    const scope = nock(API).get('/items').query({ q: 'a', sig: 'seed' }).matchHeader('x-token', 'seed').reply(200, '[]');
    const request = compileStreamRequest(manifest, stream).build({ secrets: { oauth_access_token: 'seed' }, page: {} }, { params: {}, page: {} });
    expect((await createRuntimeHttpClient().request(request)).status).toBe(200);
    scope.done();
  });
});
