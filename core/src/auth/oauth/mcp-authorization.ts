/**
 * Authorization for an MCP server (the MCP authorization spec: RFC 9728 + RFC 8414 + RFC 7591 +
 * RFC 8707): the server's protected-resource metadata names its authorization server, whose
 * metadata gives the endpoints; without a configured client, `auth login` registers one. The
 * endpoints and the registered client travel with the connection's session (`values`), so a
 * renewal needs no discovery and no registration.
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
}

/** The session values that keep what discovery and registration found (non-secret). */
export const MCP_SESSION_VALUES = { tokenEndpoint: 'mcp_token_endpoint', issuer: 'mcp_issuer', clientId: 'mcp_client_id' } as const;

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
  return endpoints;
}

/** The client of a login: the configured client_id, else one registered at the endpoint (RFC 7591). */
export async function resolveMcpClient(
  http: HttpClient,
  endpoints: McpEndpoints,
  request: { clientId?: string; clientSecret?: string; redirectUri: string; connector: string; scopes: string[] },
): Promise<{ clientId: string; clientSecret?: string; registered: boolean }> {
  if (request.clientId) return { clientId: request.clientId, ...(request.clientSecret ? { clientSecret: request.clientSecret } : {}), registered: false };
  if (!endpoints.registrationEndpoint) {
    throw new AuthError(`The authorization server ${endpoints.issuer} offers no dynamic client registration; register a client there and set it with \`connectors secrets set ${request.connector} client_id\`.`);
  }
  const client = await registerClient(http, {
    registrationEndpoint: endpoints.registrationEndpoint,
    redirectUris: [request.redirectUri],
    clientName: `connectors (${request.connector})`,
    ...(request.scopes.length ? { scope: request.scopes.join(' ') } : {}),
  });
  return { ...client, registered: true };
}

/** The token endpoint a renewal uses: the one the session kept, else discovered again. */
export async function mcpTokenEndpointOf(http: HttpClient, resource: string, previous?: Session): Promise<string> {
  const kept = previous?.values?.[MCP_SESSION_VALUES.tokenEndpoint];
  if (typeof kept === 'string' && kept !== '') return kept;
  return (await discoverMcpEndpoints(http, resource)).tokenEndpoint;
}
