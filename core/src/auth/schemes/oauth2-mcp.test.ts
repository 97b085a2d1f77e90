/**
 * The oauth2 scheme with `discovery: mcp` against nock: discovery (RFC 9728, RFC 8414), dynamic
 * client registration (RFC 7591) at login, PKCE and `resource` (RFC 8707), and renewals from what
 * the session kept.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, LoginContext, Session } from '../../plugin-api.js';
import { oauth2Scheme } from './oauth2.js';

const MCP = 'https://mcp.example.test';
const RESOURCE = `${MCP}/mcp`;
const AS = 'https://auth.example.test';
const REDIRECT = 'http://127.0.0.1:5555/callback';
const NOW = new Date('2025-03-01T12:00:00Z');

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function context(options: Record<string, unknown> = {}, secrets: Record<string, string> = {}): AuthContext {
  return {
    connector: 'mcpdemo',
    connection: 'default',
    options: { discovery: 'mcp', resource: RESOURCE, grant_type: 'authorization_code', scopes: [], client_auth: 'client_secret_basic', pkce: true, ...options },
    secrets,
    config: {},
    http: createRuntimeHttpClient({ sleep: async () => {} }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => NOW,
  };
}

interface Login {
  ctx: LoginContext;
  authorizeUrl(): URL;
  saved: Record<string, string>[];
}

function login(options: Record<string, unknown> = {}, secrets: Record<string, string> = {}): Login {
  let seen: URL | undefined;
  const saved: Record<string, string>[] = [];
  const ctx: LoginContext = {
    ...context(options, secrets),
    redirectUri: REDIRECT,
    async authorize(url, expectedState) {
      seen = url;
      return new URLSearchParams({ code: 'the-code', state: expectedState });
    },
    async saveSecrets(values) {
      saved.push(values);
    },
  };
  return { ctx, saved, authorizeUrl: () => seen as URL };
}

function form(body: unknown): Record<string, string> {
  if (body && typeof body === 'object') return { ...(body as Record<string, string>) };
  return Object.fromEntries(new URLSearchParams(String(body)));
}

/** The MCP server's 401 and metadata, and the authorization server's metadata. */
function discovery(metadata: Record<string, unknown> = {}): void {
  nock(MCP).get('/mcp').reply(401, { error: 'invalid_token' }, { 'WWW-Authenticate': `Bearer resource_metadata="${MCP}/.well-known/oauth-protected-resource/mcp"` });
  nock(MCP).get('/.well-known/oauth-protected-resource/mcp').reply(200, { resource: RESOURCE, authorization_servers: [AS], scopes_supported: ['mcp:tools'] });
  nock(AS)
    .get('/.well-known/oauth-authorization-server')
    .reply(200, {
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: `${AS}/token`,
      registration_endpoint: `${AS}/register`,
      code_challenge_methods_supported: ['S256'],
      ...metadata,
    });
}

describe('oauth2 discovery: mcp, auth login', () => {
  it('registers a public client, stores it, and runs the code flow with PKCE and resource', async () => {
    discovery();
    let registration: Record<string, unknown> = {};
    nock(AS)
      .post('/register', (body) => {
        registration = body as Record<string, unknown>;
        return true;
      })
      .reply(201, { client_id: 'dyn-client-1', token_endpoint_auth_method: 'none' });
    let sent: Record<string, string> = {};
    nock(AS, { badheaders: ['authorization'] })
      .post('/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'mcp-at-1', token_type: 'Bearer', refresh_token: 'mcp-rt-1', expires_in: 3600 });
    // pkce: false does not turn PKCE off: MCP requires it.
    const flow = login({ pkce: false });
    const session = await oauth2Scheme.login!(flow.ctx);

    expect(registration).toEqual({
      client_name: 'connectors (mcpdemo)',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    expect(flow.saved).toEqual([{ client_id: 'dyn-client-1' }]);
    const params = flow.authorizeUrl().searchParams;
    expect(flow.authorizeUrl().origin + flow.authorizeUrl().pathname).toBe(`${AS}/authorize`);
    expect(params.get('client_id')).toBe('dyn-client-1');
    expect(params.get('resource')).toBe(RESOURCE);
    expect(params.get('scope')).toBe('mcp:tools'); // the server's scopes_supported, as the manifest names none
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(REDIRECT);
    expect(sent).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', client_id: 'dyn-client-1', resource: RESOURCE, redirect_uri: REDIRECT });
    expect(createHash('sha256').update(sent.code_verifier!).digest('base64url')).toBe(params.get('code_challenge'));
    expect(sent.client_secret).toBeUndefined();
    expect(session.secrets).toEqual({ oauth_access_token: 'mcp-at-1', oauth_refresh_token: 'mcp-rt-1', oauth_client_id: 'dyn-client-1', oauth_client_secret: '' });
    expect(session.values).toEqual({
      token_type: 'Bearer',
      mcp_token_endpoint: `${AS}/token`,
      mcp_issuer: AS,
      mcp_client_id: 'dyn-client-1',
      mcp_resource: RESOURCE,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('uses the client_id secret instead of registering; a client_secret goes as client_auth says; the manifest scopes and URLs win', async () => {
    discovery();
    const registration = nock(AS).post('/register').reply(201, { client_id: 'never' });
    let sent: Record<string, string> = {};
    nock('https://tokens.example.test')
      .post('/oauth/token', (body) => {
        sent = form(body);
        return true;
      })
      .matchHeader('authorization', `Basic ${Buffer.from('my-client:my-secret').toString('base64')}`)
      .reply(200, { access_token: 'mcp-at-2', token_type: 'Bearer' });
    const flow = login(
      { scopes: ['mcp:read'], token_url: 'https://tokens.example.test/oauth/token', authorize_url: 'https://login.example.test/authorize' },
      { client_id: 'my-client', client_secret: 'my-secret' },
    );
    const session = await oauth2Scheme.login!(flow.ctx);
    expect(registration.isDone()).toBe(false);
    expect(flow.saved).toEqual([]);
    expect(flow.authorizeUrl().origin).toBe('https://login.example.test');
    expect(flow.authorizeUrl().searchParams.get('scope')).toBe('mcp:read');
    expect(sent).toMatchObject({ grant_type: 'authorization_code', resource: RESOURCE });
    expect(session.values?.mcp_token_endpoint).toBe('https://tokens.example.test/oauth/token');
    expect(session.secrets.oauth_client_secret).toBe('my-secret');
  });

  it('stores a client_secret the server issued with the client, and then authenticates with it', async () => {
    discovery();
    nock(AS).post('/register').reply(201, { client_id: 'dyn-conf', client_secret: 'dyn-secret-Qx71' });
    nock(AS).post('/token').matchHeader('authorization', `Basic ${Buffer.from('dyn-conf:dyn-secret-Qx71').toString('base64')}`).reply(200, { access_token: 'mcp-at-3' });
    const flow = login();
    await oauth2Scheme.login!(flow.ctx);
    expect(flow.saved).toEqual([{ client_id: 'dyn-conf', client_secret: 'dyn-secret-Qx71' }]);
  });

  it('without a registration endpoint and without a client_id, says what to do in one sentence', async () => {
    discovery({ registration_endpoint: undefined });
    await expect(oauth2Scheme.login!(login().ctx)).rejects.toThrow(
      'The authorization server https://auth.example.test offers no dynamic client registration; register a client there and set it with `connectors secrets set mcpdemo client_id`.',
    );
  });

  it('a resource that serves no metadata is one sentence naming the URL', async () => {
    nock(MCP).get('/mcp').reply(404);
    nock(MCP).get('/.well-known/oauth-protected-resource/mcp').reply(404);
    await expect(oauth2Scheme.login!(login().ctx)).rejects.toThrow(
      'The MCP server https://mcp.example.test/mcp publishes no protected-resource metadata (RFC 9728): https://mcp.example.test/.well-known/oauth-protected-resource/mcp answered 404.',
    );
  });

  it('refuses --device as a usage error, and chooses the code flow', async () => {
    await expect(oauth2Scheme.loginFlow!(context(), { device: true })).rejects.toBeInstanceOf(UsageError);
    await expect(oauth2Scheme.loginFlow!(context(), { device: false })).resolves.toBe('authorization_code');
  });
});

describe('oauth2 discovery: mcp, renewal', () => {
  const previous: Session = {
    secrets: { oauth_access_token: 'old-at', oauth_refresh_token: 'rt-old', oauth_client_id: 'dyn-client-1', oauth_client_secret: '' },
    values: { token_type: 'Bearer', mcp_token_endpoint: `${AS}/token`, mcp_issuer: AS, mcp_client_id: 'dyn-client-1', mcp_resource: RESOURCE },
  };

  it('refreshes at the kept token endpoint with the stored client and resource, no discovery', async () => {
    let sent: Record<string, string> = {};
    nock(AS, { badheaders: ['authorization'] })
      .post('/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'new-at', refresh_token: 'rt-new', expires_in: 60 });
    const session = await oauth2Scheme.authenticate(context({}, { client_id: 'dyn-client-1' }), previous);
    expect(sent).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old', client_id: 'dyn-client-1', resource: RESOURCE });
    expect(session.secrets.oauth_refresh_token).toBe('rt-new');
    expect(session.values).toMatchObject({ mcp_token_endpoint: `${AS}/token`, mcp_issuer: AS, mcp_client_id: 'dyn-client-1', mcp_resource: RESOURCE });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("uses the session's client when no client_id secret is set", async () => {
    let sent: Record<string, string> = {};
    nock(AS)
      .post('/token', (body) => {
        sent = form(body);
        return true;
      })
      .reply(200, { access_token: 'new-at' });
    const session = await oauth2Scheme.authenticate(context(), previous);
    expect(sent.client_id).toBe('dyn-client-1');
    expect(session.secrets.oauth_refresh_token).toBe('rt-old'); // not rotated: kept
    expect(session.secrets.oauth_client_id).toBe('dyn-client-1');
  });

  it('discovers the token endpoint for a seed refresh token, and keeps it in the session', async () => {
    discovery();
    nock(AS).post('/token').reply(200, { access_token: 'seeded-at' });
    const session = await oauth2Scheme.authenticate(context({}, { client_id: 'my-client', oauth_refresh_token: 'rt-seed' }));
    expect(session.values).toMatchObject({ mcp_token_endpoint: `${AS}/token`, mcp_issuer: AS, mcp_client_id: 'my-client' });
  });

  it('discovers again when the resource changed since the session was made', async () => {
    const other = `${MCP}/v2/mcp`;
    nock(MCP).get('/v2/mcp').reply(401);
    nock(MCP).get('/.well-known/oauth-protected-resource/v2/mcp').reply(200, { resource: other, authorization_servers: ['https://auth2.example.test'] });
    nock('https://auth2.example.test')
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { issuer: 'https://auth2.example.test', authorization_endpoint: 'https://auth2.example.test/a', token_endpoint: 'https://auth2.example.test/t' });
    nock('https://auth2.example.test').post('/t').reply(200, { access_token: 'moved-at' });
    const session = await oauth2Scheme.authenticate(context({ resource: other }, { client_id: 'dyn-client-1' }), previous);
    expect(session.values).toMatchObject({ mcp_token_endpoint: 'https://auth2.example.test/t', mcp_resource: other });
  });

  it('without any client says to log in', async () => {
    const { values: _values, ...bare } = previous;
    await expect(oauth2Scheme.authenticate(context(), bare)).rejects.toThrow('The mcpdemo connection "default" has no OAuth client for its MCP server yet.');
  });
});
