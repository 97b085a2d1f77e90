/**
 * The oauth2 options of DESIGN.md section 12, one block per option, against nock: what each
 * puts on the wire (authorize URL, token request body, headers, client auth) and what each reads
 * from the token answer into the session.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, LoginContext } from '../../plugin-api.js';
import { oauth2Scheme } from './oauth2.js';

const AS = 'https://auth.example.com';
const TOKEN_URL = `${AS}/oauth/token`;
const NOW = new Date('2025-03-01T12:00:00Z');

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function context(options: Record<string, unknown>, secrets: Record<string, string> = {}, config: Record<string, unknown> = {}): AuthContext {
  return {
    connector: 'acme',
    connection: 'default',
    options: { token_url: TOKEN_URL, grant_type: 'client_credentials', ...options },
    secrets: { client_id: 'my client', client_secret: 's3cret&x', ...secrets },
    config,
    http: createRuntimeHttpClient({ sleep: async () => {} }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => NOW,
  };
}

function loginContext(options: Record<string, unknown>, callback: (url: URL) => URLSearchParams): LoginContext {
  return {
    ...context({ grant_type: 'authorization_code', authorize_url: `${AS}/authorize`, ...options }),
    redirectUri: 'http://127.0.0.1:5000/callback',
    authorize: async (url) => callback(url),
  };
}

/** Records the body and headers of the next token request and answers with `reply`. */
function tokenServer(reply: Record<string, unknown>, path = '/oauth/token'): { body: () => unknown; headers: () => Record<string, string>; contentType: () => string } {
  let body: unknown;
  let headers: Record<string, string> = {};
  nock(AS)
    .post(path)
    .reply(function (_uri, requestBody) {
      body = typeof requestBody === 'string' && this.req.headers['content-type']?.includes('form') ? Object.fromEntries(new URLSearchParams(requestBody)) : requestBody;
      headers = this.req.headers as Record<string, string>;
      return [200, reply];
    });
  return { body: () => body, headers: () => headers, contentType: () => String(headers['content-type']) };
}

describe('authorization_params and scope_separator', () => {
  it('adds authorization_params to the authorize URL, joins scopes with the separator, and prompt still wins', async () => {
    let seen: URL | undefined;
    tokenServer({ access_token: 'at', refresh_token: 'rt' });
    await oauth2Scheme.login!(
      loginContext({ scopes: ['a', 'b'], scope_separator: ',', prompt: 'login', authorization_params: { access_type: 'offline', prompt: 'consent', duration: 'permanent' } }, (url) => {
        seen = url;
        return new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! });
      }),
    );
    expect(seen!.searchParams.get('access_type')).toBe('offline');
    expect(seen!.searchParams.get('duration')).toBe('permanent');
    expect(seen!.searchParams.get('prompt')).toBe('login');
    expect(seen!.searchParams.get('scope')).toBe('a,b');
    expect(seen!.searchParams.get('response_type')).toBe('code');
  });

  it('sends an authorization_params prompt when no prompt option is set', async () => {
    let seen: URL | undefined;
    tokenServer({ access_token: 'at' });
    await oauth2Scheme.login!(
      loginContext({ authorization_params: { prompt: 'consent' } }, (url) => {
        seen = url;
        return new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! });
      }),
    );
    expect(seen!.searchParams.get('prompt')).toBe('consent');
  });

  it('renames standard parameters with authorization_param_names, leaves out an empty name, and reads the renamed state back', async () => {
    let seen: URL | undefined;
    tokenServer({ access_token: 'at' });
    await oauth2Scheme.login!(
      loginContext({ authorization_param_names: { client_id: 'client_key', redirect_uri: 'redirect_url', response_type: '', state: 'customField' }, authorization_params: { empty: '' } }, (url) => {
        seen = url;
        return new URLSearchParams({ code: 'c', customField: url.searchParams.get('customField')! });
      }),
    );
    expect(seen!.searchParams.get('client_key')).toBe('my client');
    expect(seen!.searchParams.get('redirect_url')).toBe('http://127.0.0.1:5000/callback');
    expect(seen!.searchParams.has('client_id')).toBe(false);
    expect(seen!.searchParams.has('redirect_uri')).toBe(false);
    expect(seen!.searchParams.has('response_type')).toBe(false);
    expect(seen!.searchParams.has('state')).toBe(false);
    expect(seen!.searchParams.has('empty')).toBe(false);
  });

  it('puts the parameters after the authorize_url_fragment for a single-page authorize screen', async () => {
    let seen: URL | undefined;
    tokenServer({ access_token: 'at' });
    await oauth2Scheme.login!(
      loginContext({ authorize_url: 'https://app.example.com/', authorize_url_fragment: '/oauth/authorize', pkce: false }, (url) => {
        seen = url;
        return new URLSearchParams({ code: 'c', state: new URLSearchParams(url.hash.split('?')[1]).get('state')! });
      }),
    );
    expect(seen!.search).toBe('');
    expect(seen!.toString()).toMatch(/^https:\/\/app\.example\.com\/#\/oauth\/authorize\?response_type=code&client_id=my\+client&redirect_uri=/);
  });

  it('joins scopes with the separator in token requests', async () => {
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ scopes: ['x', 'y'], scope_separator: '+' }));
    expect(server.body()).toMatchObject({ scope: 'x+y' });
  });
});

describe('token_request_format and token_headers', () => {
  it('sends a JSON body with the templated token_headers', async () => {
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(
      context({ token_request_format: 'json', client_auth: 'client_secret_post', token_headers: { 'X-Api-Key': '{{ secrets.api_key }}', 'X-Region': '{{ config.region }}', Accept: 'application/vnd.acme+json' } }, { api_key: 'k-123' }, { region: 'eu' }),
    );
    expect(server.contentType()).toMatch(/^application\/json/);
    expect(server.body()).toEqual({ grant_type: 'client_credentials', client_id: 'my client', client_secret: 's3cret&x' });
    expect(server.headers()['x-api-key']).toBe('k-123');
    expect(server.headers()['x-region']).toBe('eu');
    expect(server.headers().accept).toBe('application/vnd.acme+json');
  });

  it('sends a form body by default', async () => {
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({}));
    expect(server.contentType()).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('declares token_headers as templated with config and secrets', () => {
    expect(oauth2Scheme.templatedOptions).toEqual({ token_headers: ['config', 'secrets'] });
  });
});

describe('refresh_url and refresh_params', () => {
  it('refreshes at refresh_url with refresh_params and token_params; the code exchange uses neither', async () => {
    const exchange = tokenServer({ access_token: 'at-1', refresh_token: 'rt-1' });
    const options = { refresh_url: `${AS}/oauth/refresh`, refresh_params: { duration: 'permanent' }, token_params: { tenant: 't1' } };
    const first = await oauth2Scheme.login!(loginContext(options, (url) => new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! })));
    expect(exchange.body()).toMatchObject({ grant_type: 'authorization_code', tenant: 't1' });
    expect(exchange.body()).not.toHaveProperty('duration');

    const refresh = tokenServer({ access_token: 'at-2' }, '/oauth/refresh');
    const renewed = await oauth2Scheme.authenticate(context({ grant_type: 'authorization_code', ...options }), first);
    expect(refresh.body()).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', duration: 'permanent', tenant: 't1' });
    expect(renewed.secrets.oauth_access_token).toBe('at-2');
    expect(renewed.secrets.oauth_refresh_token).toBe('rt-1');
  });
});

describe('token_response, expires_in_unit, token_lifetime', () => {
  it("reads Slack's user token from authed_user", async () => {
    tokenServer({ ok: true, access_token: 'xoxb-bot', authed_user: { access_token: 'xoxp-user', refresh_token: 'xoxe-1', expires_in: 43200, token_type: 'user' } });
    const session = await oauth2Scheme.authenticate(
      context({
        token_response: { access_token: 'authed_user.access_token', refresh_token: 'authed_user.refresh_token', expires_in: 'authed_user.expires_in', token_type: 'authed_user.token_type' },
      }),
    );
    expect(session.secrets.oauth_access_token).toBe('xoxp-user');
    expect(session.secrets.oauth_refresh_token).toBe('xoxe-1');
    expect(session.expiresAt).toEqual(new Date('2025-03-02T00:00:00Z'));
    expect(session.values?.token_type).toBe('user');
  });

  it('names the path of a missing access token', async () => {
    tokenServer({ access_token: 'bot-only' });
    await expect(oauth2Scheme.authenticate(context({ token_response: { access_token: 'authed_user.access_token' } }))).rejects.toThrow(
      `The token endpoint ${TOKEN_URL} answered without a valid access_token (at authed_user.access_token): it is missing or empty.`,
    );
  });

  it('reads expires_at as epoch seconds and as ISO-8601', async () => {
    tokenServer({ access_token: 'at', expires: 1740834000 });
    const epoch = await oauth2Scheme.authenticate(context({ token_response: { expires_at: 'expires' } }));
    expect(epoch.expiresAt).toEqual(new Date(1740834000 * 1000));
    tokenServer({ access_token: 'at', data: { expiry: '2025-03-01T14:30:00Z' } });
    const iso = await oauth2Scheme.authenticate(context({ token_response: { expires_at: 'data.expiry' } }));
    expect(iso.expiresAt).toEqual(new Date('2025-03-01T14:30:00Z'));
  });

  it('refuses an expires_at that is no time', async () => {
    tokenServer({ access_token: 'at', expires: 'soon' });
    await expect(oauth2Scheme.authenticate(context({ token_response: { expires_at: 'expires' } }))).rejects.toThrow(
      /answered without a valid expires_at \(at expires\): it is neither epoch seconds nor an ISO-8601 time\.$/,
    );
  });

  it('counts expires_in in milliseconds with expires_in_unit ms', async () => {
    tokenServer({ access_token: 'at', expires_in: 7_200_000 });
    const session = await oauth2Scheme.authenticate(context({ expires_in_unit: 'ms' }));
    expect(session.expiresAt).toEqual(new Date('2025-03-01T14:00:00Z'));
  });

  it('uses token_lifetime when the answer has no expiry, and the answer when it has one', async () => {
    tokenServer({ access_token: 'at' });
    expect((await oauth2Scheme.authenticate(context({ token_lifetime: 1800 }))).expiresAt).toEqual(new Date('2025-03-01T12:30:00Z'));
    tokenServer({ access_token: 'at', expires_in: 60 });
    expect((await oauth2Scheme.authenticate(context({ token_lifetime: 1800 }))).expiresAt).toEqual(new Date('2025-03-01T12:01:00Z'));
  });
});

describe('token_values', () => {
  it('keeps the named fields as session values; a refresh answer without them keeps the old ones', async () => {
    tokenServer({ access_token: 'at-1', refresh_token: 'rt-1', instance_url: 'https://na1.example.com', tenant: { id: 't-9' } });
    const options = { grant_type: 'authorization_code', token_values: { instance_url: 'instance_url', tenant_id: 'tenant.id' } };
    const first = await oauth2Scheme.login!(loginContext(options, (url) => new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! })));
    expect(first.values).toMatchObject({ instance_url: 'https://na1.example.com', tenant_id: 't-9' });
    expect(Object.values(first.values ?? {})).not.toContain('at-1');

    tokenServer({ access_token: 'at-2', instance_url: 'https://na2.example.com' });
    const renewed = await oauth2Scheme.authenticate(context(options), first);
    expect(renewed.values).toMatchObject({ instance_url: 'https://na2.example.com', tenant_id: 't-9' });
  });
});

describe('grant_type password and extension grants', () => {
  it('sends username and password (RFC 6749 4.3) with client auth and scope', async () => {
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ grant_type: 'password', scopes: ['api'] }, { username: 'ann', password: 'pw&1' }));
    expect(server.body()).toEqual({ grant_type: 'password', username: 'ann', password: 'pw&1', scope: 'api' });
    expect(server.headers().authorization).toMatch(/^Basic /);
  });

  it('names a missing password secret', async () => {
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'password' }, { username: 'ann' }))).rejects.toThrow(
      'The secret "password" of acme is missing: set CONNECTORS_SECRET_ACME_PASSWORD or run "connectors secrets set acme password".',
    );
  });

  it("sends any other grant as named, with token_params (Zoom's account_credentials)", async () => {
    const server = tokenServer({ access_token: 'zoom-at', expires_in: 3600 });
    const session = await oauth2Scheme.authenticate(context({ grant_type: 'account_credentials', token_params: { account_id: 'acc-1' } }));
    expect(server.body()).toEqual({ grant_type: 'account_credentials', account_id: 'acc-1' });
    expect(session.secrets.oauth_access_token).toBe('zoom-at');
  });
});

describe('basic_encoding and client_auth none', () => {
  it('form-encodes id and secret by default and sends them raw with basic_encoding raw', async () => {
    const form = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({}, { client_secret: 'a+b/c=' }));
    expect(form.headers().authorization).toBe(`Basic ${Buffer.from('my+client:a%2Bb%2Fc%3D').toString('base64')}`);
    const raw = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ basic_encoding: 'raw' }, { client_secret: 'a+b/c=' }));
    expect(raw.headers().authorization).toBe(`Basic ${Buffer.from('my client:a+b/c=').toString('base64')}`);
  });

  it('a public client sends client_id in the body, no secret and no Authorization header, and needs no client_secret', async () => {
    const server = tokenServer({ access_token: 'at', refresh_token: 'rt' });
    const ctx = loginContext({ client_auth: 'none' }, (url) => new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }));
    delete ctx.secrets.client_secret;
    await oauth2Scheme.login!(ctx);
    expect(server.body()).toMatchObject({ grant_type: 'authorization_code', client_id: 'my client', code: 'c' });
    expect(server.body()).toHaveProperty('code_verifier');
    expect(server.body()).not.toHaveProperty('client_secret');
    expect(server.headers()).not.toHaveProperty('authorization');
  });

  it('still names a missing client_secret when the client authenticates', async () => {
    const ctx = context({});
    delete ctx.secrets.client_secret;
    const error = await oauth2Scheme.authenticate(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe('The secret "client_secret" of acme is missing: set CONNECTORS_SECRET_ACME_CLIENT_SECRET or run "connectors secrets set acme client_secret".');
  });
});

describe('client_auth tls_client_auth (RFC 8705 2.1) and tls_client_certificate', () => {
  it('sends client_id in the body and no secret: the TLS client certificate authenticates the client', async () => {
    const server = tokenServer({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
    const ctx = context({ client_auth: 'tls_client_auth', scopes: ['read'] });
    delete ctx.secrets.client_secret;
    const session = await oauth2Scheme.authenticate(ctx);
    expect(server.body()).toEqual({ grant_type: 'client_credentials', client_id: 'my client', scope: 'read' });
    expect(server.headers()).not.toHaveProperty('authorization');
    expect(session.secrets.oauth_access_token).toBe('at');
  });

  it('names the certificate secrets for tls_client_certificate and tls_client_auth, and none otherwise', () => {
    const names = { certificate: 'tls_client_cert', key: 'tls_client_key' };
    expect(oauth2Scheme.tlsClientCertificateFor?.({ tls_client_certificate: true })).toEqual(names);
    expect(oauth2Scheme.tlsClientCertificateFor?.({ client_auth: 'tls_client_auth', tls_client_certificate: false })).toEqual(names);
    expect(oauth2Scheme.tlsClientCertificateFor?.({ tls_client_certificate: false, client_auth: 'client_secret_basic' })).toBeUndefined();
    // A federated assertion replaces client_auth, so it presents no certificate unless asked.
    expect(oauth2Scheme.tlsClientCertificateFor?.({ client_auth: 'tls_client_auth', client_assertion: { file: '/t' } })).toBeUndefined();
  });
});

function keyPair(type: 'rsa' | 'ec') {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function verified(jwt: string, publicPem: string, alg: string) {
  return (await jwtVerify(jwt, await importSPKI(publicPem, alg), { currentDate: NOW })).payload;
}

describe('client_auth private_key_jwt (RFC 7523 2.2)', () => {
  it('signs a client assertion with client_private_key (RS256) and kid, sent with client_id', async () => {
    const { privatePem, publicPem } = keyPair('rsa');
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ client_auth: 'private_key_jwt', kid: 'key-7' }, { client_private_key: privatePem, client_secret: '' }));
    const body = server.body() as Record<string, string>;
    expect(body.client_id).toBe('my client');
    expect(body.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(body).not.toHaveProperty('client_secret');
    expect(server.headers()).not.toHaveProperty('authorization');
    expect(decodeProtectedHeader(body.client_assertion!)).toMatchObject({ alg: 'RS256', kid: 'key-7' });
    const claims = await verified(body.client_assertion!, publicPem, 'RS256');
    expect(claims).toMatchObject({ iss: 'my client', sub: 'my client', aud: TOKEN_URL });
    expect(claims.jti).toEqual(expect.any(String));
  });

  it('signs ES256 with a P-256 key', async () => {
    const { privatePem, publicPem } = keyPair('ec');
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ client_auth: 'private_key_jwt' }, { client_private_key: privatePem }));
    const assertion = (server.body() as Record<string, string>).client_assertion!;
    expect(decodeProtectedHeader(assertion).alg).toBe('ES256');
    expect((await verified(assertion, publicPem, 'ES256')).aud).toBe(TOKEN_URL);
  });

  it('names a missing client_private_key', async () => {
    await expect(oauth2Scheme.authenticate(context({ client_auth: 'private_key_jwt' }))).rejects.toThrow(/^The secret "client_private_key" of acme is missing/);
  });
});

describe('client_assertion from a file or a command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth2-assertion-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file again at every token request', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'assertion-one\n');
    const first = tokenServer({ access_token: 'at-1' });
    const ctx = context({ client_assertion: { file } });
    delete ctx.secrets.client_secret;
    await oauth2Scheme.authenticate(ctx);
    expect(first.body()).toEqual({ grant_type: 'client_credentials', client_id: 'my client', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'assertion-one' });
    writeFileSync(file, 'assertion-two');
    const second = tokenServer({ access_token: 'at-2' });
    await oauth2Scheme.authenticate(ctx);
    expect(second.body()).toMatchObject({ client_assertion: 'assertion-two' });
  });

  it('a missing or empty file is one sentence, and nothing is sent', async () => {
    const missing = join(dir, 'nope');
    await expect(oauth2Scheme.authenticate(context({ client_assertion: { file: missing } }))).rejects.toThrow(`The client_assertion file ${missing} of acme does not exist.`);
    const empty = join(dir, 'empty');
    writeFileSync(empty, ' \n');
    await expect(oauth2Scheme.authenticate(context({ client_assertion: { file: empty } }))).rejects.toThrow(`The client_assertion file ${empty} of acme is empty.`);
  });

  it('runs the command (no shell) and sends what it prints', async () => {
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ client_assertion: { command: [process.execPath, '-e', 'process.stdout.write("from-command\\n")'] } }));
    expect(server.body()).toMatchObject({ client_assertion: 'from-command' });
  });

  it('a failing command is one sentence that quotes none of its output', async () => {
    const error = await oauth2Scheme
      .authenticate(context({ client_assertion: { command: [process.execPath, '-e', 'console.error("leaky-detail"); process.exit(3)'] } }))
      .then(() => new Error('no error'), (e: unknown) => e as Error);
    expect(error.message).toBe(`The client_assertion command \`${process.execPath}\` of acme exited with code 3.`);
    expect(error.message).not.toContain('leaky-detail');
  });
});

describe('jwt_bearer with subject and service_account_json (Google)', () => {
  it('signs as the service account for the subject, to its token_uri, with scope as a claim', async () => {
    const { privatePem, publicPem } = keyPair('rsa');
    const key = { type: 'service_account', client_email: 'sync@proj.iam.gserviceaccount.com', private_key: privatePem, private_key_id: 'kid-abc', token_uri: `${AS}/google/token` };
    const server = tokenServer({ access_token: 'ya29.x', expires_in: 3599, token_type: 'Bearer' }, '/google/token');
    const ctx = context({ grant_type: 'jwt_bearer', token_url: undefined, subject: 'admin@example.com', scopes: ['https://www.googleapis.com/auth/admin.directory.user.readonly', 'openid'] }, { service_account_json: JSON.stringify(key) });
    delete ctx.secrets.client_id;
    delete ctx.secrets.client_secret;
    const session = await oauth2Scheme.authenticate(ctx);
    expect(session.secrets.oauth_access_token).toBe('ya29.x');
    const body = server.body() as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['assertion', 'grant_type']);
    expect(body.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(decodeProtectedHeader(body.assertion!)).toMatchObject({ alg: 'RS256', kid: 'kid-abc' });
    const claims = await verified(body.assertion!, publicPem, 'RS256');
    expect(claims).toMatchObject({ iss: key.client_email, sub: 'admin@example.com', aud: key.token_uri, scope: 'https://www.googleapis.com/auth/admin.directory.user.readonly openid' });
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('without subject sends no sub; the option token_url wins over token_uri', async () => {
    const { privatePem, publicPem } = keyPair('rsa');
    const key = { client_email: 'sa@x.iam.gserviceaccount.com', private_key: privatePem, token_uri: 'https://elsewhere.example.com/token' };
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer' }, { service_account_json: JSON.stringify(key) }));
    const claims = await verified((server.body() as Record<string, string>).assertion!, publicPem, 'RS256');
    expect(claims.sub).toBeUndefined();
    expect(claims.aud).toBe(TOKEN_URL);
  });

  it('a service_account_json that is not a key file is one sentence', async () => {
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer' }, { service_account_json: 'not json' }))).rejects.toThrow(
      'The service_account_json secret of acme is not JSON; store the whole key file.',
    );
    await expect(oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer' }, { service_account_json: '{"client_email": "a@b"}' }))).rejects.toThrow(
      'The service_account_json secret of acme has no private_key string.',
    );
  });

  it('jwt_bearer with the client_secret key: subject replaces sub, kid is set', async () => {
    const { privatePem, publicPem } = keyPair('ec');
    const server = tokenServer({ access_token: 'at' });
    await oauth2Scheme.authenticate(context({ grant_type: 'jwt_bearer', subject: 'user-9', kid: 'k1' }, { client_secret: privatePem }));
    const assertion = (server.body() as Record<string, string>).assertion!;
    expect(decodeProtectedHeader(assertion).kid).toBe('k1');
    expect(await verified(assertion, publicPem, 'ES256')).toMatchObject({ iss: 'my client', sub: 'user-9' });
  });
});
