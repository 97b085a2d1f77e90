/** RFC 9728, RFC 8414 and RFC 7591 as an MCP client uses them, against nock. */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from '../../http/client.js';
import { authorizationServerMetadataUrls, discoverAuthorizationServer } from './authorization-server-metadata.js';
import { registerClient } from './dynamic-client-registration.js';
import { discoverProtectedResource, protectedResourceMetadataUrl, readResourceMetadataParameter } from './protected-resource-metadata.js';

const http = createRuntimeHttpClient({ retry: { limit: 0 } });
const MCP = 'https://mcp.example.test';
const AS = 'https://auth.example.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('protected resource metadata (RFC 9728)', () => {
  it('builds the well-known URI before the path, and reads the challenge parameter', () => {
    expect(protectedResourceMetadataUrl('https://mcp.example.test/mcp')).toBe('https://mcp.example.test/.well-known/oauth-protected-resource/mcp');
    expect(protectedResourceMetadataUrl('https://mcp.example.test/')).toBe('https://mcp.example.test/.well-known/oauth-protected-resource');
    expect(readResourceMetadataParameter('Bearer realm="mcp", resource_metadata="https://x.test/meta"')).toBe('https://x.test/meta');
    expect(readResourceMetadataParameter('Basic realm="x"')).toBeUndefined();
  });

  it('follows the 401 challenge to the metadata', async () => {
    nock(MCP).get('/mcp').reply(401, '', { 'WWW-Authenticate': `Bearer resource_metadata="${MCP}/meta/prm"` });
    nock(MCP).get('/meta/prm').reply(200, { resource: `${MCP}/mcp`, authorization_servers: [AS], scopes_supported: ['mcp:read'] });
    expect(await discoverProtectedResource(http, `${MCP}/mcp`)).toEqual({ resource: `${MCP}/mcp`, authorizationServers: [AS], scopesSupported: ['mcp:read'] });
  });

  it('falls back to the well-known URI, and refuses metadata for another resource', async () => {
    nock(MCP).get('/mcp').reply(401);
    nock(MCP).get('/.well-known/oauth-protected-resource/mcp').reply(200, { resource: `${MCP}/other`, authorization_servers: [AS] });
    await expect(discoverProtectedResource(http, `${MCP}/mcp`)).rejects.toThrow(
      'The protected-resource metadata at https://mcp.example.test/.well-known/oauth-protected-resource/mcp is for "https://mcp.example.test/other", not https://mcp.example.test/mcp; check auth.resource.',
    );
  });

  it('says so when there is no metadata or no authorization server', async () => {
    nock(MCP).get('/mcp').reply(200, {});
    nock(MCP).get('/.well-known/oauth-protected-resource/mcp').reply(404);
    await expect(discoverProtectedResource(http, `${MCP}/mcp`)).rejects.toThrow(/publishes no protected-resource metadata \(RFC 9728\): .* answered 404\./);
    nock(MCP).get('/mcp').reply(401);
    nock(MCP).get('/.well-known/oauth-protected-resource/mcp').reply(200, { resource: `${MCP}/mcp`, authorization_servers: [] });
    await expect(discoverProtectedResource(http, `${MCP}/mcp`)).rejects.toThrow(/names no authorization server/);
  });
});

describe('authorization server metadata (RFC 8414)', () => {
  it('tries RFC 8414 first, then OpenID discovery', async () => {
    expect(authorizationServerMetadataUrls('https://auth.example.test/tenant')).toEqual([
      'https://auth.example.test/.well-known/oauth-authorization-server/tenant',
      'https://auth.example.test/.well-known/openid-configuration/tenant',
      'https://auth.example.test/tenant/.well-known/openid-configuration',
    ]);
    nock(AS).get('/.well-known/oauth-authorization-server').reply(404);
    nock(AS)
      .get('/.well-known/openid-configuration')
      .reply(200, { issuer: AS, authorization_endpoint: `${AS}/auth`, token_endpoint: `${AS}/token`, registration_endpoint: `${AS}/reg`, code_challenge_methods_supported: ['S256'] });
    expect(await discoverAuthorizationServer(http, AS)).toEqual({
      issuer: AS,
      authorizationEndpoint: `${AS}/auth`,
      tokenEndpoint: `${AS}/token`,
      registrationEndpoint: `${AS}/reg`,
      codeChallengeMethods: ['S256'],
    });
  });

  it('refuses a document for another issuer', async () => {
    nock(AS).get('/.well-known/oauth-authorization-server').reply(200, { issuer: 'https://evil.test' });
    await expect(discoverAuthorizationServer(http, AS)).rejects.toThrow('names the issuer "https://evil.test", not https://auth.example.test.');
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  it('registers a public client with the loopback redirect and reads client_id', async () => {
    const scope = nock(AS)
      .post('/reg', {
        client_name: 'connectors (mcp)',
        redirect_uris: ['http://127.0.0.1:5000/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      })
      .reply(201, { client_id: 'dyn-123' });
    expect(await registerClient(http, { registrationEndpoint: `${AS}/reg`, redirectUris: ['http://127.0.0.1:5000/callback'], clientName: 'connectors (mcp)' })).toEqual({ clientId: 'dyn-123' });
    scope.done();
  });

  it('names the refusal', async () => {
    nock(AS).post('/reg').reply(400, { error: 'invalid_redirect_uri', error_description: 'loopback not allowed' });
    await expect(registerClient(http, { registrationEndpoint: `${AS}/reg`, redirectUris: ['http://127.0.0.1:1/callback'], clientName: 'c' })).rejects.toThrow(
      'The client registration at https://auth.example.test/reg was refused (status 400, invalid_redirect_uri: loopback not allowed).',
    );
  });
});
