/**
 * A real OAuth 2.0 authorization server for end-to-end tests: oidc-provider 9 on 127.0.0.1, with
 * one confidential client allowed client_credentials, authorization_code and refresh_token (with
 * rotation), interactions completed by the server itself (the user is always `alice`, consent is
 * always given), and a tiny resource server that checks each bearer token against the provider's
 * own token store (`ClientCredentials.find` / `AccessToken.find`): a real, revocable check.
 *
 * Knobs and counters live in `state`: `tokenRequests` counts POSTs to the token endpoint, `grants`
 * counts outcomes by `<grant_type>:success|error`; `hangTokenRequests` keeps token requests open without answering (the
 * provider never sees them) until the test kills the client; `interactionsCompleted` counts logins.
 */
import { secretEnvName } from './manifests.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { followAuthorization as followAuthorizationAt } from './follow-authorization.js';

export interface OidcOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime (s) of client_credentials access tokens. Default 3600. */
  clientCredentialsTtl?: number;
  /** Lifetime (s) of access tokens from code and refresh grants. Default 3600. */
  accessTokenTtl?: number;
}

export interface OidcState {
  tokenRequests: number;
  grants: Record<string, number>;
  /** Hold token requests open (never answered) while true. */
  hangTokenRequests: boolean;
  hungRequests: number;
  interactionsCompleted: number;
  resourceRequests: number;
  unauthorized: number;
  /** The Authorization header values the resource server accepted. */
  acceptedTokens: string[];
}

export interface OidcServer {
  issuer: string;
  tokenUrl: string;
  authorizeUrl: string;
  /** The resource server's base URL; `GET <resourceUrl>/me` and `/items` need a valid bearer token. */
  resourceUrl: string;
  clientId: string;
  clientSecret: string;
  state: OidcState;
  provider: Provider;
  /** Revokes an access token (client_credentials or user) so the resource answers 401. */
  revokeAccessToken(token: string): Promise<void>;
  /** Deletes the grant behind a user's access token: refreshing it is then invalid_grant. */
  revokeGrantOf(accessToken: string): Promise<void>;
  /** Is this refresh token still valid at the provider? */
  isRefreshTokenValid(token: string): Promise<boolean>;
  /** Runs the authorization-code flow like a browser would and returns the token answer. */
  obtainUserTokens(): Promise<{ access_token: string; refresh_token: string; expires_in: number }>;
  /** Follows an authorization URL like a browser (cookies kept) until it leaves the provider; returns that last URL. */
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


/** Starts the provider and the resource server. */
export async function startOidc(options: OidcOptions = {}): Promise<OidcServer> {
  const clientId = options.clientId ?? 'e2e-client';
  const clientSecret = options.clientSecret ?? 'e2e-client-secret-Zq8v';
  const front = createServer();
  const port = await listenOn(front);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        application_type: 'native',
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      revocation: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'read'],
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      ClientCredentials: options.clientCredentialsTtl ?? 3600,
      AccessToken: options.accessTokenTtl ?? 3600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Interaction: 600,
      Session: 86_400,
      AuthorizationCode: 60,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    pkce: { required: () => false },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['e2e-cookie-key'] },
  });
  provider.proxy = false;
  const state: OidcState = {
    tokenRequests: 0,
    grants: {},
    hangTokenRequests: false,
    hungRequests: 0,
    interactionsCompleted: 0,
    resourceRequests: 0,
    unauthorized: 0,
    acceptedTokens: [],
  };
  const countGrant = (ctx: { oidc?: { params?: Record<string, unknown> } }, outcome: 'success' | 'error') => {
    const key = `${String(ctx.oidc?.params?.grant_type ?? '?')}:${outcome}`;
    state.grants[key] = (state.grants[key] ?? 0) + 1;
  };
  provider.on('grant.success', (ctx) => countGrant(ctx, 'success'));
  provider.on('grant.error', (ctx) => countGrant(ctx, 'error'));
  const callback = provider.callback();
  const hung: ServerResponse[] = [];

  front.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        const accountId = 'alice';
        const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const grantId = await grant.save();
        state.interactionsCompleted += 1;
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        state.tokenRequests += 1;
        if (state.hangTokenRequests) {
          state.hungRequests += 1;
          hung.push(res);
          return; // answered never: the client is killed while waiting
        }
      }
      callback(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
    });
  });

  const resource = createServer((req, res) => {
    void (async () => {
      state.resourceRequests += 1;
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const found = token ? ((await provider.ClientCredentials.find(token)) ?? (await provider.AccessToken.find(token))) : undefined;
      if (!found || found.isExpired) {
        state.unauthorized += 1;
        return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      state.acceptedTokens.push(token);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/me') return sendJson(res, 200, { client: found.clientId, sub: found.accountId ?? null });
      if (url.pathname === '/items') return sendJson(res, 200, { data: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] });
      return sendJson(res, 404, { error: 'not_found' });
    })().catch(() => sendJson(res, 500, { error: 'server_error' }));
  });
  const resourcePort = await listenOn(resource);

  const followAuthorization = (start: string): Promise<URL> => followAuthorizationAt(issuer, start);

  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    authorizeUrl: `${issuer}/auth`,
    resourceUrl: `http://127.0.0.1:${resourcePort}`,
    clientId,
    clientSecret,
    state,
    provider,
    async revokeAccessToken(token) {
      const found = (await provider.ClientCredentials.find(token)) ?? (await provider.AccessToken.find(token));
      if (!found) throw new Error('No such access token at the provider.');
      await found.destroy();
    },
    async revokeGrantOf(accessToken) {
      const token = await provider.AccessToken.find(accessToken);
      const grant = token?.grantId ? await provider.Grant.find(token.grantId) : undefined;
      if (!grant) throw new Error('No grant behind this access token.');
      await grant.destroy();
    },
    async isRefreshTokenValid(token) {
      const found = await provider.RefreshToken.find(token);
      return Boolean(found && !found.isExpired && !found.consumed);
    },
    async obtainUserTokens() {
      const redirectUri = 'http://127.0.0.1:9/callback';
      const authorize = new URL(`${issuer}/auth`);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        scope: 'openid offline_access read',
        redirect_uri: redirectUri,
        prompt: 'consent',
        state: 'e2e-state',
      }).toString();
      const landed = await followAuthorization(authorize.href);
      const code = landed.searchParams.get('code');
      if (!code) throw new Error(`No code in ${landed.href}`);
      const answer = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
      });
      const body = (await answer.json()) as { access_token: string; refresh_token: string; expires_in: number };
      if (!body.refresh_token) throw new Error(`No refresh token: ${JSON.stringify(body)}`);
      return body;
    },
    followAuthorization,
    async close() {
      for (const res of hung) res.destroy();
      front.closeAllConnections();
      resource.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => front.close(resolve)),
        new Promise((resolve) => resource.close(resolve)),
      ]);
    },
  };
}

/** The env a CLI process needs for one connector against this provider: its home and client secrets. */
export function oidcClientEnv(server: OidcServer, connector: string, home: string): Record<string, string> {
  return {
    CONNECTORS_HOME: home,
    [secretEnvName(connector, 'client_id')]: server.clientId,
    [secretEnvName(connector, 'client_secret')]: server.clientSecret,
  };
}
