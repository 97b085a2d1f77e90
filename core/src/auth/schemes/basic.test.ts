import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from '../../http/client.js';
import { Redactor } from '../../http/redact.js';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { basicScheme } from './basic.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const ctx = { secrets: { username: 'alice', password: 'pä:ss word' }, options: {} } as unknown as AuthContext;

describe('basic scheme', () => {
  it('declares username and password, required and injected', () => {
    expect(basicScheme.requiredSecrets.map((s) => s.name)).toEqual(['username', 'password']);
    expect(basicScheme.injectedSecrets.map((s) => s.name)).toEqual(['username', 'password']);
  });

  it('applies Authorization: Basic base64(user:pass) in UTF-8, the password may hold a colon', async () => {
    const session = await basicScheme.authenticate(ctx);
    expect(session.secrets).toEqual({ username: 'alice', password: 'pä:ss word' });
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/'), headers: {} };
    await basicScheme.apply(request, session, ctx);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('alice:pä:ss word', 'utf8').toString('base64')}`);
  });

  it('sends the header through the runtime client, and the header value is redacted in errors', async () => {
    const session = await basicScheme.authenticate(ctx);
    const expected = `Basic ${Buffer.from('alice:pä:ss word', 'utf8').toString('base64')}`;
    nock('https://api.example.com').get('/me').matchHeader('authorization', expected).reply(403, `denied for ${expected}`);
    const redactor = new Redactor();
    const client = createRuntimeHttpClient({
      redactor,
      auth: { getSession: async () => session, renewAfterUnauthorized: async (s) => s, apply: (r, s) => basicScheme.apply(r, s, ctx) },
    });
    await expect(client.request({ url: 'https://api.example.com/me' })).rejects.toThrow(
      'GET https://api.example.com/me failed with status 403: denied for ***.',
    );
  });
});
