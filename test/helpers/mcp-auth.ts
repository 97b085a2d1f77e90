/**
 * An MCP server and its authorization server for end-to-end tests, as the MCP authorization spec
 * has them: the MCP server at `<mcp>/mcp` answers 401 with `WWW-Authenticate: Bearer
 * resource_metadata="..."` and publishes RFC 9728 metadata naming the authorization server;
 * the authorization server is oidc-provider 9 with RFC 8414 metadata, RFC 7591 dynamic client
 * registration (open, no initial access token), RFC 8707 resource indicators (opaque access
 * tokens whose audience is the MCP server), PKCE required, and interactions completed by the
 * server itself (user `alice`, consent given). The MCP server accepts only tokens issued for it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { followAuthorization } from './follow-authorization.js';

export interface McpAuthState {
  registrations: number;
  /** The redirect URIs each registration asked for. */
  registeredRedirectUris: string[][];
  tokenRequests: number;
  /** The `resource` parameter of each token request. */
  tokenResources: string[];
  unauthorized: number;
  accepted: number;
  /** GETs of the MCP server's protected-resource metadata (discoveries). */
  resourceMetadataRequests: number;
  /** Every access token, refresh token and authorization code the server issued (to scan output for). */
  issued: string[];
}

export interface McpAuthServer {
  issuer: string;
  /** The MCP server's URL (the protected resource), `http://127.0.0.1:<port>/mcp`. */
  resource: string;
  state: McpAuthState;
  provider: Provider;
  followAuthorization(url: string): Promise<URL>;
  close(): Promise<void>;
}

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the authorization server and the MCP server. */
export async function startMcpAuth(options: { accessTokenTtl?: number } = {}): Promise<McpAuthServer> {
  const front = createServer();
  const mcp = createServer();
  const [port, mcpPort] = await Promise.all([listenOn(front), listenOn(mcp)]);
  const issuer = `http://127.0.0.1:${port}`;
  const resource = `http://127.0.0.1:${mcpPort}/mcp`;
  const state: McpAuthState = {
    registrations: 0,
    registeredRedirectUris: [],
    tokenRequests: 0,
    tokenResources: [],
    unauthorized: 0,
    accepted: 0,
    resourceMetadataRequests: 0,
    issued: [],
  };
  const provider = new Provider(issuer, {
    features: {
      registration: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new Error(`unknown resource ${indicator}`);
          return { scope: 'mcp:tools', audience: resource, accessTokenFormat: 'opaque', accessTokenTTL: options.accessTokenTtl ?? 3600 };
        },
      },
    },
    // mcp:tools is the MCP server's scope (getResourceServerInfo), not an OpenID scope.
    scopes: ['openid', 'offline_access'],
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['mcp-e2e-cookie-key'] },
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, RefreshToken: 86_400, Grant: 86_400, Interaction: 600, Session: 86_400, AuthorizationCode: 60 },
  });
  provider.proxy = false;
  provider.on('registration_create.success', (_ctx, client) => {
    state.registrations += 1;
    state.registeredRedirectUris.push([...(client.redirectUris ?? [])]);
  });
  // Opaque tokens and codes: the value is the model's jti.
  for (const kind of ['access_token', 'refresh_token', 'authorization_code'] as const) {
    provider.on(`${kind}.saved`, (token: { jti: string }) => state.issued.push(token.jti));
  }
  const callback = provider.callback();

  front.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        const accountId = 'alice';
        const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: details.params.client_id as string });
        if (!grant) throw new Error('the interaction names a grant that does not exist');
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
        if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        state.tokenRequests += 1;
        // Read the form for the counters, then hand oidc-provider the same body.
        const form = await readForm(req);
        state.tokenResources.push(form.get('resource') ?? '');
        (req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(form);
      }
      callback(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
    });
  });

  mcp.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${mcpPort}`);
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
        state.resourceMetadataRequests += 1;
        return sendJson(res, 200, { resource, authorization_servers: [issuer], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] });
      }
      if (!url.pathname.startsWith('/mcp')) return sendJson(res, 404, { error: 'not_found' });
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const found = token ? await provider.AccessToken.find(token) : undefined;
      if (!found || found.isExpired || found.aud !== resource) {
        state.unauthorized += 1;
        return sendJson(res, 401, { error: 'invalid_token' }, {
          'www-authenticate': `Bearer resource_metadata="http://127.0.0.1:${mcpPort}/.well-known/oauth-protected-resource/mcp"`,
        });
      }
      state.accepted += 1;
      if (url.pathname === '/mcp/tools') return sendJson(res, 200, { tools: [{ name: 'search' }, { name: 'fetch' }] });
      return sendJson(res, 200, { ok: true });
    })().catch(() => sendJson(res, 500, { error: 'server_error' }));
  });


  return {
    issuer,
    resource,
    state,
    provider,
    followAuthorization: (url) => followAuthorization(issuer, url),
    async close() {
      front.closeAllConnections();
      mcp.closeAllConnections();
      await Promise.all([new Promise((resolve) => front.close(resolve)), new Promise((resolve) => mcp.close(resolve))]);
    },
  };
}
