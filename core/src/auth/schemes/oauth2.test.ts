import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, LoginContext, OutgoingRequest, Session } from '../../plugin-api.js';
import { oauth2Scheme } from './oauth2.js';

const AS = 'https://auth.example.com';
const TOKEN_URL = `${AS}/oauth/token`;
const NOW = new Date('2025-03-01T12:00:00Z');

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function context(options: Record<string, unknown>, secrets: Record<string, string> = {}): AuthContext {
  return {
    connector: 'acme',
    connection: 'default',
    options: { token_url: TOKEN_URL, grant_type: 'authorization_code', scopes: [], client_auth: 'client_secret_basic', pkce: true, token_params: {}, ...options },
    secrets: { client_id: 'my client', client_secret: 's3cret&x', ...secrets },
    config: {},
    http: createRuntimeHttpClient({ sleep: async () => {} }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => NOW,
  };
}

/** The parsed form of a nock request body (nock hands form bodies over already parsed). */
function form(body: unknown): Record<string, string> {
  if (body && typeof body === 'object') return { ...(body as Record<string, string>) };
  return Object.fromEntries(new URLSearchParams(String(body)));
}

const basic = `Basic ${Buffer.from('my+client:s3cret%26x').toString('base64')}`;

describe('oauth2: client_credentials', () => {
  it('gets a token with client_secret_basic, scopes, audience, resource and token_params', async () => {
    let sent: Record<string, string> = {};
    const scope = nock(AS)
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .matchHeader('authorization', basic)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
    const ctx = context({ grant_type: 'client_credentials', scopes: ['read', 'write'], audience: 'https://api', resource: 'https://res', token_params: { tenant: 't1' } });
    const session = await oauth2Scheme.authenticate(ctx);
    expect(sent).toEqual({ grant_type: 'client_credentials', scope: 'read write', audience: 'https://api', resource: 'https://res', tenant: 't1' });
    expect(session.secrets).toEqual({ oauth_access_token: 'at-1', oauth_client_id: 'my client', oauth_client_secret: 's3cret&x' });
    expect(session.expiresAt).toEqual(new Date('2025-03-01T13:00:00Z'));
    expect(session.issuedAt).toEqual(NOW);
    scope.done();
  });

  it('sends client_secret_post credentials in the form, without an Authorization header', async () => {
    let sent: Record<string, string> = {};
    nock(AS, { badheaders: ['authorization'] })
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'at-2', token_type: 'bearer' });
    const session = await oauth2Scheme.authenticate(context({ grant_type: 'client_credentials', client_auth: 'client_secret_post' }));
    expect(sent).toEqual({ grant_type: 'client_credentials', client_id: 'my client', client_secret: 's3cret&x' });
    expect(session.expiresAt).toBeUndefined();
  });

  it('applies the access token as a Bearer header', async () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/x'), headers: {} };
    await oauth2Scheme.apply(request, { secrets: { oauth_access_token: 'at-9' } }, context({}));
    expect(request.headers.authorization).toBe('Bearer at-9');
  });
});

describe('oauth2: refresh_token renewal (authorization_code)', () => {
  it('refreshes with the seed refresh token, without scope, and keeps it when not rotated', async () => {
    let sent: Record<string, string> = {};
    nock(AS)
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .matchHeader('authorization', basic)
      .reply(200, { access_token: 'at-3', token_type: 'Bearer', expires_in: 600 });
    const ctx = context({ scopes: ['read'], token_params: { extra: 'x' } }, { oauth_refresh_token: 'seed-rt' });
    const session = await oauth2Scheme.authenticate(ctx);
    expect(sent).toEqual({ grant_type: 'refresh_token', refresh_token: 'seed-rt', extra: 'x' });
    expect(sent.scope).toBeUndefined();
    expect(session.secrets.oauth_refresh_token).toBe('seed-rt');
    expect(session.secrets.oauth_access_token).toBe('at-3');
  });

  it('prefers the session refresh token over the seed and stores a rotated one', async () => {
    let sent: Record<string, string> = {};
    nock(AS)
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'at-4', token_type: 'Bearer', refresh_token: 'rt-rotated', expires_in: 60 });
    const previous: Session = { secrets: { oauth_access_token: 'old', oauth_refresh_token: 'rt-session' } };
    const session = await oauth2Scheme.authenticate(context({}, { oauth_refresh_token: 'seed-rt' }), previous);
    expect(sent.refresh_token).toBe('rt-session');
    expect(session.secrets.oauth_refresh_token).toBe('rt-rotated');
  });

  it('says what to do when there is no refresh token at all', async () => {
    const error = (await oauth2Scheme.authenticate(context({})).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe('The acme connection "default" has no OAuth tokens yet.');
    expect(error.hint).toContain('connectors auth login acme');
  });

  it('reports invalid_grant with the provider fields and a hint, without retrying', async () => {
    const scope = nock(AS).post('/oauth/token').once().reply(400, { error: 'invalid_grant', error_description: 'Token has been revoked.' });
    const error = (await oauth2Scheme.authenticate(context({}, { oauth_refresh_token: 'dead-rt' })).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(`The token endpoint ${TOKEN_URL} refused the request with status 400: invalid_grant (Token has been revoked).`);
    expect(error.providerError).toBe('invalid_grant');
    expect(error.providerErrorDescription).toBe('Token has been revoked.');
    expect(error.status).toBe(400);
    expect(error.hint).toContain('connectors secrets set acme oauth_refresh_token');
    expect(error.message).not.toContain('dead-rt');
    scope.done();
  });
});

describe('oauth2: token endpoint answers', () => {
  it('reports invalid_client with its description', async () => {
    nock(AS).post('/oauth/token').reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const error = (await oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' })).catch((e: unknown) => e)) as AuthError;
    expect(error.message).toBe(`The token endpoint ${TOKEN_URL} refused the request with status 401: invalid_client (Client authentication failed).`);
    expect(error.providerError).toBe('invalid_client');
    expect(error.status).toBe(401);
  });

  it('reports a non-JSON answer', async () => {
    nock(AS).post('/oauth/token').reply(200, '<html>login page</html>');
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' }))).rejects.toThrow(
      `The token endpoint ${TOKEN_URL} answered 200 with a body that is not JSON.`,
    );
  });

  it('reports a missing access_token', async () => {
    nock(AS).post('/oauth/token').reply(200, { token_type: 'Bearer' });
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' }))).rejects.toThrow(
      `The token endpoint ${TOKEN_URL} answered without a valid access_token: it is missing or empty.`,
    );
  });

  it('treats expires_in under 1 s as an unknown lifetime', async () => {
    for (const expires_in of [0, 0.5]) {
      nock(AS).post('/oauth/token').reply(200, { access_token: 'a-0', token_type: 'Bearer', expires_in });
      const session = await oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' }));
      expect(session.expiresAt).toBeUndefined();
    }
  });

  it('reports a bad expires_in by name', async () => {
    nock(AS).post('/oauth/token').reply(200, { access_token: 'a', token_type: 'Bearer', expires_in: 'soon' });
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' }))).rejects.toThrow(/valid expires_in/);
  });

  it('retries a 503 from the token endpoint', async () => {
    nock(AS).post('/oauth/token').reply(503).post('/oauth/token').reply(200, { access_token: 'at-5', token_type: 'Bearer' });
    const session = await oauth2Scheme.authenticate(context({ grant_type: 'client_credentials' }));
    expect(session.secrets.oauth_access_token).toBe('at-5');
  });
});

describe('oauth2: jwt_bearer', () => {
  it('signs an RFC 7523 assertion with the client_secret PEM and sends no client secret', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let sent: Record<string, string> = {};
    nock(AS, { badheaders: ['authorization'] })
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'at-jwt', token_type: 'Bearer', expires_in: 3600 });
    const session = await oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer', scopes: ['a', 'b'] }, { client_secret: pem }));
    expect(session.secrets.oauth_access_token).toBe('at-jwt');
    expect(sent.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(sent.scope).toBe('a b');
    expect(sent.client_secret).toBeUndefined();
    expect(decodeProtectedHeader(sent.assertion!).alg).toBe('RS256');
    const claims = decodeJwt(sent.assertion!);
    expect(claims).toMatchObject({ iss: 'my client', sub: 'my client', aud: TOKEN_URL, iat: NOW.getTime() / 1000, exp: NOW.getTime() / 1000 + 300 });
    expect(typeof claims.jti).toBe('string');
    const key = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256');
    await expect(jwtVerify(sent.assertion!, key, { currentDate: NOW })).resolves.toBeTruthy();
  });

  it('says so when client_secret is not a PEM key', async () => {
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer' }))).rejects.toThrow(
      'The private key for the JWT assertion is not a readable PEM private key.',
    );
  });
});

describe('oauth2: login (authorization_code with PKCE)', () => {
  it('sends state and S256 challenge, no prompt, and exchanges the code with the verifier', async () => {
    let authorizeUrl: URL | undefined;
    let sent: Record<string, string> = {};
    nock(AS)
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'at-login', token_type: 'Bearer', refresh_token: 'rt-login', expires_in: 3600 });
    const ctx: LoginContext = {
      ...context({ authorize_url: `${AS}/authorize`, scopes: ['openid', 'offline_access'] }),
      redirectUri: 'http://127.0.0.1:5555/callback',
      async authorize(url, expectedState) {
        authorizeUrl = url;
        return new URLSearchParams({ code: 'the-code', state: expectedState });
      },
    };
    const session = await oauth2Scheme.login!(ctx);
    const params = authorizeUrl!.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('my client');
    expect(params.get('redirect_uri')).toBe('http://127.0.0.1:5555/callback');
    expect(params.get('scope')).toBe('openid offline_access');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.has('prompt')).toBe(false);
    expect(sent.grant_type).toBe('authorization_code');
    expect(sent.code).toBe('the-code');
    expect(sent.redirect_uri).toBe('http://127.0.0.1:5555/callback');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(sent.code_verifier!).digest('base64url')).toBe(params.get('code_challenge'));
    expect(session.secrets.oauth_refresh_token).toBe('rt-login');
  });

  it('does not exchange the code when the state does not match', async () => {
    const scope = nock(AS).post('/oauth/token').reply(200, { access_token: 'never', token_type: 'Bearer' });
    const ctx: LoginContext = {
      ...context({ authorize_url: `${AS}/authorize`, prompt: 'consent' }),
      redirectUri: 'http://127.0.0.1:5555/callback',
      async authorize(url) {
        expect(url.searchParams.get('prompt')).toBe('consent');
        return new URLSearchParams({ code: 'c', state: 'forged' });
      },
    };
    await expect(oauth2Scheme.login!(ctx)).rejects.toThrow(/state that does not match/);
    expect(scope.isDone()).toBe(false);
  });
});

describe('oauth2: login with the device flow (RFC 8628)', () => {
  function deviceContext(options: Record<string, unknown>, shown: unknown[], flow?: 'device' | 'authorization_code'): LoginContext {
    return {
      ...context(options),
      ...(flow ? { flow } : {}),
      redirectUri: '',
      async authorize() {
        throw new Error('no redirect in the device flow');
      },
      showDeviceCode(info) {
        shown.push(info);
      },
    };
  }

  it('chooses the device flow when asked, or when there is a device endpoint and no authorize_url', async () => {
    const both = context({ authorize_url: `${AS}/authorize`, device_authorization_url: `${AS}/device` });
    expect(await oauth2Scheme.loginFlow!(both, { device: false })).toBe('authorization_code');
    expect(await oauth2Scheme.loginFlow!(both, { device: true })).toBe('device');
    expect(await oauth2Scheme.loginFlow!(context({ device_authorization_url: `${AS}/device` }), { device: false })).toBe('device');
    expect(await oauth2Scheme.loginFlow!(context({ authorize_url: `${AS}/authorize` }), { device: false })).toBe('authorization_code');
  });

  it('takes the device endpoint from discovery, and the code flow when discovery has both', async () => {
    const document = { issuer: AS, token_endpoint: TOKEN_URL, device_authorization_endpoint: `${AS}/device` };
    nock(AS).get('/.well-known/openid-configuration').reply(200, document);
    expect(await oauth2Scheme.loginFlow!(context({ issuer: AS }), { device: false })).toBe('device');
    nock(AS).get('/.well-known/openid-configuration').reply(200, { ...document, authorization_endpoint: `${AS}/auth` });
    expect(await oauth2Scheme.loginFlow!(context({ issuer: AS }), { device: false })).toBe('authorization_code');
  });

  it('refuses --device without a device endpoint or for a grant without login, as usage errors', async () => {
    await expect(oauth2Scheme.loginFlow!(context({ authorize_url: `${AS}/authorize` }), { device: true })).rejects.toMatchObject({
      exitCode: 2,
      message: 'The oauth2 auth block of acme has no device_authorization_url, so it cannot use the device flow; run `connectors auth login acme` without --device.',
    });
    await expect(oauth2Scheme.loginFlow!(context({ grant_type: 'client_credentials' }), { device: true })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('shows the code, polls, and builds the session as the code flow does', async () => {
    const sent: Array<Record<string, string>> = [];
    nock(AS)
      .post('/device', (body) => {
        sent.push(form(body));
        return true;
      })
      .matchHeader('authorization', basic)
      .reply(200, { device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${AS}/activate`, expires_in: 600, interval: 0 })
      .post('/oauth/token', (body) => {
        sent.push(form(body));
        return true;
      })
      .reply(400, { error: 'authorization_pending' })
      .post('/oauth/token')
      .reply(200, { access_token: 'at-dev', token_type: 'Bearer', refresh_token: 'rt-dev', expires_in: 3600, scope: 'read' });
    const shown: unknown[] = [];
    const ctx = deviceContext({ device_authorization_url: `${AS}/device`, scopes: ['read'], audience: 'https://api', token_params: { tenant: 't1' } }, shown, 'device');
    const session = await oauth2Scheme.login!(ctx);
    expect(shown).toEqual([{ verificationUri: `${AS}/activate`, userCode: 'ABCD-EFGH', expiresInSeconds: 600 }]);
    expect(sent[0]).toEqual({ client_id: 'my client', scope: 'read', audience: 'https://api' });
    expect(sent[1]).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'dc', client_id: 'my client', audience: 'https://api', tenant: 't1' });
    expect(session.secrets).toEqual({ oauth_access_token: 'at-dev', oauth_refresh_token: 'rt-dev', oauth_client_id: 'my client', oauth_client_secret: 's3cret&x' });
    expect(session.expiresAt).toEqual(new Date('2025-03-01T13:00:00Z'));
    expect(session.values).toEqual({ token_type: 'Bearer', scope: 'read' });
  });

  it('says what happened and what to do when the user denies the code', async () => {
    nock(AS)
      .post('/device')
      .reply(200, { device_code: 'dc', user_code: 'U', verification_uri: `${AS}/activate`, expires_in: 600, interval: 0 })
      .post('/oauth/token')
      .reply(400, { error: 'access_denied' });
    const error = (await oauth2Scheme.login!(deviceContext({ device_authorization_url: `${AS}/device` }, [])).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(`${error.message} ${error.hint}`).toBe(
      'The device login was denied at the provider (access_denied). Run `connectors auth login acme --device` again and approve the code.',
    );
  });
});
