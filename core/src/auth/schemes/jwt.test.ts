import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, AuthScheme, OutgoingRequest } from '../../plugin-api.js';
import { jwtScheme } from './jwt.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const API = 'https://api.example.test';

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

function makeContext(options: Record<string, unknown>, warnings: string[] = []): AuthContext {
  return {
    connector: 'webcrm',
    connection: 'default',
    options,
    secrets: { api_key: 'the-api-key' },
    config: {},
    http: createRuntimeHttpClient({ retry: { limit: 0 } }),
    log: { debug() {}, info() {}, warn: (message) => warnings.push(message) },
    now: () => NOW,
  };
}

const webcrm = {
  login_url: `${API}/Auth/ApiLogin`,
  refresh_url: `${API}/Auth/ApiRefresh`,
  api_key_in: 'form',
  api_key_name: 'authCode',
  refresh_token_in: 'header',
  refresh_token_name: 'refreshToken',
  response: { access_token: 'AccessToken', refresh_token: 'RefreshToken', expires_in: 'ExpiresIn' },
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe('jwt login', () => {
  it('sends the key in a JSON body by default and reads the default paths', async () => {
    const scope = nock(API)
      .post('/login', { api_key: 'the-api-key' })
      .matchHeader('content-type', /application\/json/)
      .reply(200, { access_token: 'acc', refresh_token: 'ref', expires_in: 600 });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }));
    expect(session.secrets).toEqual({ jwt_access_token: 'acc', jwt_refresh_token: 'ref' });
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 600_000));
    expect(session.issuedAt).toEqual(NOW);
    scope.done();
  });

  it('logs in to webCRM with a form field authCode and reads AccessToken, RefreshToken, ExpiresIn', async () => {
    const scope = nock(API)
      .post('/Auth/ApiLogin', 'authCode=the-api-key')
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(200, { AccessToken: 'acc', RefreshToken: 'ref', ExpiresIn: '3600', TokenType: 'Bearer', IsError: false });
    const session = await jwtScheme.authenticate(makeContext(webcrm));
    expect(session.secrets).toEqual({ jwt_access_token: 'acc', jwt_refresh_token: 'ref' });
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 3_600_000));
    scope.done();
  });

  it('puts the key in a header or the query when told', async () => {
    const header = nock(API).post('/login').matchHeader('x-key', 'the-api-key').reply(200, { access_token: 'h' });
    const query = nock(API).post('/login').query({ key: 'the-api-key' }).reply(200, { access_token: 'q' });
    const viaHeader = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login`, api_key_in: 'header', api_key_name: 'x-key' }));
    const viaQuery = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login`, api_key_in: 'query', api_key_name: 'key' }));
    expect(viaHeader.secrets.jwt_access_token).toBe('h');
    expect(viaQuery.secrets.jwt_access_token).toBe('q');
    header.done();
    query.done();
  });

  it('reads nested and bracketed response paths', async () => {
    nock(API).post('/login').reply(200, { data: { 'token.value': 'deep', refresh: 'r' } });
    const session = await jwtScheme.authenticate(
      makeContext({ login_url: `${API}/login`, response: { access_token: 'data["token.value"]', refresh_token: 'data.refresh' } }),
    );
    expect(session.secrets).toEqual({ jwt_access_token: 'deep', jwt_refresh_token: 'r' });
  });

  it("takes the expiry from the JWT's exp and the lifetime from its iat when expires_in is absent", async () => {
    const iat = NOW.getTime() / 1000 - 10;
    const token = unsignedJwt({ sub: 'u', iat, exp: iat + 900 });
    nock(API).post('/login').reply(200, { access_token: token });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }));
    expect(session.expiresAt).toEqual(new Date((iat + 900) * 1000));
    expect(session.issuedAt).toEqual(new Date(iat * 1000));
    expect(session.secrets.jwt_refresh_token).toBeUndefined();
  });

  it('leaves the expiry unknown for an opaque token without expires_in', async () => {
    nock(API).post('/login').reply(200, { access_token: 'opaque' });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }));
    expect(session.expiresAt).toBeUndefined();
  });

  it('leaves the expiry unknown for expires_in under 1 s', async () => {
    nock(API).post('/login').reply(200, { access_token: 'opaque', expires_in: 0.5 });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }));
    expect(session.expiresAt).toBeUndefined();
  });

  it("treats webCRM's 200 with IsError as a failure naming the provider's error", async () => {
    nock(API)
      .post('/Auth/ApiLogin')
      .reply(200, { IsError: true, Error: 'invalid_auth_code', ErrorDescription: 'The auth code is not valid' });
    const error = await jwtScheme.authenticate(makeContext(webcrm)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).providerError).toBe('invalid_auth_code');
    expect((error as AuthError).message).toContain('The auth code is not valid');
    expect((error as AuthError).message).toContain('connectors secrets set webcrm api_key');
    expect((error as AuthError).message).not.toContain('the-api-key');
  });

  it('fails on a 401 with the status and the provider description, without the key', async () => {
    nock(API).post('/login').query(true).reply(401, { error: 'unauthorized', error_description: 'bad key' });
    const error = (await jwtScheme.authenticate(makeContext({ login_url: `${API}/login`, api_key_in: 'query' })).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/status 401, unauthorized: bad key/);
    expect(error.message).not.toContain('the-api-key');
  });

  it('fails when the answer has no token at the configured path', async () => {
    nock(API).post('/login').reply(200, { token: 'x' });
    await expect(jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }))).rejects.toThrow(/no access token at "access_token"/);
  });

  it('fails without the api_key secret', async () => {
    const ctx = { ...makeContext({ login_url: `${API}/login` }), secrets: {} };
    await expect(jwtScheme.authenticate(ctx)).rejects.toThrow(/connectors secrets set webcrm api_key/);
  });
});

describe('jwt renewal', () => {
  const previous = { secrets: { jwt_access_token: 'old', jwt_refresh_token: 'old-ref' } };

  it('refreshes with only the refresh token in the refreshToken header (webCRM)', async () => {
    const scope = nock(API)
      .post('/Auth/ApiRefresh', (body) => body === '' || body === undefined || Object.keys(body).length === 0)
      .matchHeader('refreshToken', 'old-ref')
      .reply(200, { AccessToken: 'new', RefreshToken: 'new-ref', ExpiresIn: 3600 });
    const session = await jwtScheme.authenticate(makeContext(webcrm), previous);
    expect(session.secrets).toEqual({ jwt_access_token: 'new', jwt_refresh_token: 'new-ref' });
    scope.done();
  });

  it('keeps the old refresh token when the refresh answer has none', async () => {
    nock(API).post('/refresh', { refresh_token: 'old-ref' }).reply(200, { access_token: 'new' });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login`, refresh_url: `${API}/refresh` }), previous);
    expect(session.secrets).toEqual({ jwt_access_token: 'new', jwt_refresh_token: 'old-ref' });
  });

  it('falls back to one fresh login when the refresh is rejected', async () => {
    const warnings: string[] = [];
    const refresh = nock(API).post('/Auth/ApiRefresh').reply(200, { IsError: true, Error: 'invalid_token', ErrorDescription: 'expired' });
    const login = nock(API).post('/Auth/ApiLogin', 'authCode=the-api-key').once().reply(200, { AccessToken: 'fresh', RefreshToken: 'r2' });
    const session = await jwtScheme.authenticate(makeContext(webcrm, warnings), previous);
    expect(session.secrets.jwt_access_token).toBe('fresh');
    expect(warnings.join('\n')).toMatch(/refresh was rejected.*invalid_token/);
    refresh.done();
    login.done();
  });

  it('fails when the fallback login is rejected too, without a second fallback', async () => {
    nock(API).post('/Auth/ApiRefresh').reply(401, {});
    nock(API).post('/Auth/ApiLogin').once().reply(401, { Error: 'invalid_auth_code', IsError: true });
    await expect(jwtScheme.authenticate(makeContext(webcrm), previous)).rejects.toThrow(/jwt login with the api_key was rejected/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a rejected login carries a hint naming the api_key secret, which survives the renewal wrapper (issue 6)', async () => {
    nock(API).post('/Auth/ApiLogin').reply(401, { Error: 'invalid_grant', ErrorDescription: 'The authCode is not valid.', IsError: true });
    const error = await jwtScheme.authenticate(makeContext(webcrm)).catch((caught: unknown) => caught);
    expect((error as { hint?: string }).hint).toMatch(/connectors secrets set \S+ api_key/);
  });

  it('logs in again when there is no refresh_url', async () => {
    const login = nock(API).post('/login').reply(200, { access_token: 'again' });
    const session = await jwtScheme.authenticate(makeContext({ login_url: `${API}/login` }), previous);
    expect(session.secrets.jwt_access_token).toBe('again');
    login.done();
  });
});

describe('jwt apply', () => {
  it('sends Authorization: Bearer <jwt_access_token>', () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL(`${API}/x`), headers: {} };
    (jwtScheme as AuthScheme).apply(request, { secrets: { jwt_access_token: 'acc' } }, makeContext({ login_url: 'x' }));
    expect(request.headers.authorization).toBe('Bearer acc');
  });
});
