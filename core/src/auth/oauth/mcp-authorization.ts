/**
 * Authorization for an MCP server (the MCP authorization spec: RFC 9728 + RFC 8414 + RFC 7591 +
 * RFC 8707): the server's protected-resource metadata names its authorization server, whose
 * metadata gives the endpoints; without a configured client, `auth login` registers one. The
 * endpoints and the client travel with the connection's session (`values`), so a renewal needs
 * no discovery and no registration.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient, Session } from '../../plugin-api.js';
import { discoverAuthorizationServer } from './authorization-server-metadata.js';
import { registerClient } from './dynamic-client-registration.js';
import { discoverProtectedResource } from './protected-resource-metadata.js';

/** The endpoints of an MCP server's authorization server. */
export interface McpEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint?: string;
  /** The scopes the MCP server's metadata lists (`scopes_supported`), used when the manifest names none. */
  scopesSupported?: string[];
}

/** The client of an MCP connection: configured, registered at login, or kept by the session. */
export interface McpClient {
  clientId: string;
  clientSecret?: string;
}

/** The session values that keep what discovery and registration found (non-secret). */
export const MCP_SESSION_VALUES = {
  tokenEndpoint: 'mcp_token_endpoint',
  issuer: 'mcp_issuer',
  clientId: 'mcp_client_id',
  resource: 'mcp_resource',
} as const;

/** Discovers the authorization server of the MCP server at `resource` and its endpoints. */
export async function discoverMcpEndpoints(http: HttpClient, resource: string): Promise<McpEndpoints> {
  const protectedResource = await discoverProtectedResource(http, resource);
  const issuer = protectedResource.authorizationServers[0] as string;
  const metadata = await discoverAuthorizationServer(http, issuer);
  if (!metadata.authorizationEndpoint || !metadata.tokenEndpoint) {
    throw new AuthError(`The authorization server ${issuer} of ${resource} names no ${metadata.authorizationEndpoint ? 'token' : 'authorization'} endpoint.`);
  }
  if (metadata.codeChallengeMethods && !metadata.codeChallengeMethods.includes('S256')) {
    throw new AuthError(`The authorization server ${issuer} of ${resource} does not support PKCE with S256, which MCP requires.`);
  }
  const endpoints: McpEndpoints = { issuer, authorizationEndpoint: metadata.authorizationEndpoint, tokenEndpoint: metadata.tokenEndpoint };
  if (metadata.registrationEndpoint) endpoints.registrationEndpoint = metadata.registrationEndpoint;
  if (protectedResource.scopesSupported?.length) endpoints.scopesSupported = protectedResource.scopesSupported;
  return endpoints;
}

/**
 * The client of a login: the configured client_id, else one registered at the endpoint (RFC 7591)
 * for the loopback redirect. The registration asks for no `scope`: servers that check it against
 * their own list refuse resource scopes there, and the authorization request names the scopes.
 */
export async function resolveMcpClient(
  http: HttpClient,
  endpoints: McpEndpoints,
  request: { clientId?: string; clientSecret?: string; redirectUri: string; connector: string },
): Promise<McpClient & { registered: boolean }> {
  if (request.clientId) return { clientId: request.clientId, ...(request.clientSecret ? { clientSecret: request.clientSecret } : {}), registered: false };
  if (!endpoints.registrationEndpoint) {
    throw new AuthError(
      `The authorization server ${endpoints.issuer} offers no dynamic client registration; register a client there and set it with \`connectors secrets set ${request.connector} client_id\`.`,
    );
  }
  const client = await registerClient(http, {
    registrationEndpoint: endpoints.registrationEndpoint,
    redirectUris: [request.redirectUri],
    clientName: `connectors (${request.connector})`,
  });
  return { ...client, registered: true };
}

/** What a session of an MCP connection keeps, so its renewal needs neither discovery nor registration. */
export function mcpSessionValues(kept: { tokenEndpoint: string; issuer?: string }, clientId: string, resource: string): Record<string, string> {
  const values: Record<string, string> = {
    [MCP_SESSION_VALUES.tokenEndpoint]: kept.tokenEndpoint,
    [MCP_SESSION_VALUES.clientId]: clientId,
    [MCP_SESSION_VALUES.resource]: resource,
  };
  if (kept.issuer) values[MCP_SESSION_VALUES.issuer] = kept.issuer;
  return values;
}

function keptText(previous: Session | undefined, name: string): string | undefined {
  const value = previous?.values?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The token endpoint a renewal uses: the one the session kept for this resource, else discovered
 * again (a seed refresh token, or a resource the manifest changed since).
 */
export async function keptMcpEndpoints(http: HttpClient, resource: string, previous?: Session): Promise<{ tokenEndpoint: string; issuer?: string }> {
  const tokenEndpoint = keptText(previous, MCP_SESSION_VALUES.tokenEndpoint);
  const keptResource = keptText(previous, MCP_SESSION_VALUES.resource);
  if (tokenEndpoint && (keptResource === undefined || keptResource === resource)) {
    const issuer = keptText(previous, MCP_SESSION_VALUES.issuer);
    return issuer ? { tokenEndpoint, issuer } : { tokenEndpoint };
  }
  const discovered = await discoverMcpEndpoints(http, resource);
  return { tokenEndpoint: discovered.tokenEndpoint, issuer: discovered.issuer };
}

/** The client a renewal uses: the connection's client_id secret (set, or stored at login), else the session's. */
export function keptMcpClient(secrets: Record<string, string>, previous?: Session): McpClient | undefined {
  const clientId = secrets.client_id || keptText(previous, MCP_SESSION_VALUES.clientId);
  if (!clientId) return undefined;
  return secrets.client_secret ? { clientId, clientSecret: secrets.client_secret } : { clientId };
}
