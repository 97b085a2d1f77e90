import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, OutgoingRequest, Session } from '../../plugin-api.js';
import { loginScheme } from './login.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const API = 'https://api.example.test';
const SECRETS = { username: 'ada@example.test', password: 'pw-Zq81-xyzzy', client_id: 'cid-4410' };

function makeContext(options: Record<string, unknown>, warnings: string[] = []): AuthContext {
  return {
    connector: 'acme',
    connection: 'default',
    options,
    secrets: { ...SECRETS },
    config: { domain: 'eu.example.test' },
    http: createRuntimeHttpClient({ retry: { limit: 0 } }),
    log: { debug() {}, info() {}, warn: (message) => warnings.push(message) },
    now: () => NOW,
  };
}

function outgoing(url = `${API}/items?page=2`): OutgoingRequest {
  return { method: 'GET', url: new URL(url), headers: {} };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('login scheme: the login request', () => {
  it('posts a JSON body from several secrets and reads a nested token', async () => {
    const scope = nock(API)
      .post('/v1/auth/login', { username: SECRETS.username, password: SECRETS.password })
      .matchHeader('x-client', 'cid-4410')
      .reply(200, { data: { jwt: 'tok-1' } });
    const ctx = makeContext({
      request: {
        method: 'POST',
        url: `${API}/v1/auth/login`,
        headers: { 'x-client': '{{ secrets.client_id }}' },
        json: { username: '{{ secrets.username }}', password: '{{ secrets.password }}' },
      },
      response: { token: 'data.jwt' },
    });
    const session = await loginScheme.authenticate(ctx);
    expect(session.secrets).toEqual({ login_token: 'tok-1' });
    expect(session.expiresAt).toBeUndefined();
    scope.done();
  });

  it('sends a form body, a query and templated config, and reads expires_in in milliseconds', async () => {
    const scope = nock('https://eu.example.test')
      .post('/connect/token', 'client_id=cid-4410&client_secret=pw-Zq81-xyzzy')
      .query({ grant_type: 'client_credentials' })
      .reply(200, { access_token: 'tok-2', expires_in: 90_000 });
    const ctx = makeContext({
      request: {
        url: 'https://{{ config.domain }}/connect/token',
        query: { grant_type: 'client_credentials' },
        form: { client_id: '{{ secrets.client_id }}', client_secret: '{{ secrets.password }}' },
      },
      response: { token: 'access_token', expires_in: 'expires_in' },
      expires_in_unit: 'ms',
    });
    const session = await loginScheme.authenticate(ctx);
    expect(session.secrets.login_token).toBe('tok-2');
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 90_000));
    scope.done();
  });

  it('logs in with GET, reads the token from a header and an absolute ISO expiry and values', async () => {
    const scope = nock(API)
      .get('/session')
      .query({ user: SECRETS.username, pass: SECRETS.password })
      .reply(200, { until: '2025-03-01T13:00:00Z', account: { id: 77 } }, { 'X-Auth-Token': 'tok-3' });
    const ctx = makeContext({
      request: { method: 'GET', url: `${API}/session`, query: { user: '{{ secrets.username }}', pass: '{{ secrets.password }}' } },
      response: { token: 'headers.x-auth-token', expires_at: 'until', values: { account_id: 'account.id' } },
    });
    const session = await loginScheme.authenticate(ctx);
    expect(session.secrets.login_token).toBe('tok-3');
    expect(session.expiresAt).toEqual(new Date('2025-03-01T13:00:00Z'));
    expect(session.values).toEqual({ account_id: 77 });
    scope.done();
  });

  it('takes the whole body as the token with "", an XML body, epoch expiry and token_lifetime fallback', async () => {
    const xml = nock(API)
      .put('/login', `<login><u>${SECRETS.username}</u></login>`)
      .matchHeader('content-type', 'application/xml')
      .reply(200, 'tok-4\n');
    const ctx = makeContext({
      request: { method: 'PUT', url: `${API}/login`, xml: '<login><u>{{ secrets.username }}</u></login>' },
      response: { token: '' },
      token_lifetime: 600,
    });
    const session = await loginScheme.authenticate(ctx);
    expect(session.secrets.login_token).toBe('tok-4');
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 600_000));
    xml.done();

    nock(API).post('/login').reply(200, { t: 'tok-5', exp: 1740834000 });
    const epoch = await loginScheme.authenticate(makeContext({ request: { url: `${API}/login` }, response: { token: 't', expires_at: 'exp' } }));
    expect(epoch.expiresAt).toEqual(new Date(1740834000 * 1000));
  });

  it('refuses a rejected login in one sentence with the provider message and no secret', async () => {
    nock(API).post('/login').reply(401, { message: 'Invalid credentials' });
    const ctx = makeContext({ request: { url: `${API}/login`, json: { p: '{{ secrets.password }}' } } });
    const error = await loginScheme.authenticate(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      'The login at https://api.example.test/login was refused (status 401: Invalid credentials); check the secrets it sends (connectors secrets list acme).',
    );
    expect((error as Error).message).not.toContain(SECRETS.password);
  });

  it('says where it looked when the answer has no token', async () => {
    nock(API).post('/login').reply(200, { data: {} });
    const ctx = makeContext({ request: { url: `${API}/login` }, response: { token: 'data.jwt' } });
    await expect(loginScheme.authenticate(ctx)).rejects.toThrow('The login answered 200 with no token at "data.jwt"; set auth.response.token to where the answer holds it.');
  });

  it('says so when the rendered URL is not a URL', async () => {
    const ctx = makeContext({ request: { url: '{{ config.domain }}/login' } });
    await expect(loginScheme.authenticate(ctx)).rejects.toThrow(/login URL "eu\.example\.test\/login" of acme is not a URL once rendered; check auth\.request\.url\./);
  });
});

describe('login scheme: refresh', () => {
  const options = {
    request: { url: `${API}/login`, json: { u: '{{ secrets.username }}' } },
    response: { token: 'access', refresh_token: 'refresh', expires_in: 'ttl' },
    refresh: { request: { url: `${API}/refresh`, headers: { 'x-refresh': '{{ session.refresh_token }}' } } },
  };
  const previous: Session = { secrets: { login_token: 'old', login_refresh_token: 'rt-old' } };

  it('refreshes with the session refresh token and keeps it when the answer has none', async () => {
    const scope = nock(API).post('/refresh').matchHeader('x-refresh', 'rt-old').reply(200, { access: 'tok-r', ttl: 300 });
    const session = await loginScheme.authenticate(makeContext(options), previous);
    expect(session.secrets).toEqual({ login_token: 'tok-r', login_refresh_token: 'rt-old' });
    scope.done();
  });

  it('logs in again when the refresh is refused, with a warning', async () => {
    nock(API).post('/refresh').reply(400, { error: 'invalid_grant' });
    nock(API).post('/login', { u: SECRETS.username }).reply(200, { access: 'tok-l', refresh: 'rt-new', ttl: 300 });
    const warnings: string[] = [];
    const session = await loginScheme.authenticate(makeContext(options, warnings), previous);
    expect(session.secrets).toEqual({ login_token: 'tok-l', login_refresh_token: 'rt-new' });
    expect(warnings).toEqual(['The refresh at https://api.example.test/refresh was refused (status 400: invalid_grant). Logging in again.']);
  });
});

describe('login scheme: apply', () => {
  const session: Session = { secrets: { login_token: 'tok-9' }, values: { account_id: 77 } };

  it('sends Authorization: Bearer by default', () => {
    const request = outgoing();
    loginScheme.apply(request, session, makeContext({ request: { url: `${API}/login` } }));
    expect(request.headers).toEqual({ Authorization: 'Bearer tok-9' });
  });

  it('writes headers and query parameters from session, auth, secrets and config, leaving empty ones out', () => {
    const request = outgoing();
    const ctx = makeContext({
      request: { url: `${API}/login` },
      apply: {
        headers: { 'x-session': '{{ session.token }}', 'x-account': '{{ auth.account_id }}', 'x-none': '{{ auth.missing | default("") }}' },
        query: { token: '{{ session.token }}', client: '{{ secrets.client_id }}', region: '{{ config.domain }}' },
      },
    });
    loginScheme.apply(request, session, ctx);
    expect(request.headers).toEqual({ 'x-session': 'tok-9', 'x-account': '77' });
    expect(request.url.searchParams.get('page')).toBe('2');
    expect(request.url.searchParams.get('token')).toBe('tok-9');
    expect(request.url.searchParams.get('client')).toBe('cid-4410');
    expect(request.url.searchParams.get('region')).toBe('eu.example.test');
  });
});

describe('login scheme: a self-signed assertion', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('signs the claims with the secret key before each login and sends it as session.assertion', async () => {
    let sent = '';
    nock('https://account.example.test')
      .post('/auth/oauth2/v2/token', (body: Record<string, string>) => {
        sent = body.client_assertion ?? '';
        return body.client_id === 'cid-4410' && body.grant_type === 'client_credentials';
      })
      .reply(200, { access_token: 'tok-a', expires_in: 3600 });
    const ctx = makeContext({
      request: {
        url: 'https://account.example.test/auth/oauth2/v2/token',
        form: { grant_type: 'client_credentials', client_id: '{{ secrets.client_id }}', client_assertion: '{{ session.assertion }}' },
      },
      assertion: { key: '{{ secrets.private_key }}', alg: 'ES256', kid: 'key-1', claims: { iss: '{{ secrets.client_id }}', sub: '{{ secrets.client_id }}', aud: 'https://account.example.test/auth/oauth2/v2/token' }, lifetime: 600 },
    });
    ctx.secrets.private_key = pem.replace(/\n/g, '\\n'); // stored on one line with \n escapes
    const session = await loginScheme.authenticate(ctx);
    expect(session.secrets.login_token).toBe('tok-a');
    const { payload, protectedHeader } = await jwtVerify(sent, publicKey, { currentDate: NOW });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'key-1', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'cid-4410', sub: 'cid-4410', aud: 'https://account.example.test/auth/oauth2/v2/token', iat: NOW.getTime() / 1000, exp: NOW.getTime() / 1000 + 600 });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('says so when the key is not a PEM private key, without printing it', async () => {
    const ctx = makeContext({ request: { url: `${API}/login` }, assertion: { key: '{{ secrets.password }}', claims: { iss: 'x' } } });
    const error = (await loginScheme.authenticate(ctx).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('The login assertion key of acme is not a PEM private key; check the secret auth.assertion.key reads.');
    expect(error.message).not.toContain(SECRETS.password);
  });
});
