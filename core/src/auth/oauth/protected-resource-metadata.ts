/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), as MCP servers publish it: which
 * authorization server protects a resource. Found from the `resource_metadata` parameter of a 401's
 * `WWW-Authenticate: Bearer` header (RFC 9728 section 5.1), else at the well-known URI made by
 * inserting `/.well-known/oauth-protected-resource` between the host and the path (section 3.1).
 */
import { AuthError } from '../../errors.js';
import type { HttpClient } from '../../plugin-api.js';

/** What the runtime uses from a resource's metadata. */
export interface ProtectedResourceMetadata {
  /** The resource identifier the metadata is for (must match the URL asked about). */
  resource: string;
  /** The issuers of the authorization servers, first one used. */
  authorizationServers: string[];
  scopesSupported?: string[];
}

/** `https://host/.well-known/oauth-protected-resource/path` for `https://host/path`. */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The `resource_metadata` URL of a `WWW-Authenticate: Bearer ...` challenge, if it names one. */
export function readResourceMetadataParameter(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text || !/^\s*Bearer\b/i.test(text)) return undefined;
  const match = /resource_metadata\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(text);
  return match?.[1] ?? match?.[2];
}

/** Resource identifiers compare without a trailing slash. */
function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Asks the resource without credentials and follows its challenge to the metadata, or reads the
 * well-known URI; checks that the metadata names this resource and at least one authorization
 * server.
 */
export async function discoverProtectedResource(http: HttpClient, resource: string): Promise<ProtectedResourceMetadata> {
  const probe = await http.request({ url: resource, headers: { accept: 'application/json' }, throwHttpErrors: false });
  const advertised = probe.status === 401 ? readResourceMetadataParameter(probe.headers['www-authenticate']) : undefined;
  const metadataUrl = advertised ?? protectedResourceMetadataUrl(resource);
  const response = await http.request({ url: metadataUrl, headers: { accept: 'application/json' }, throwHttpErrors: false });
  if (response.status !== 200) {
    throw new AuthError(`The MCP server ${resource} publishes no protected-resource metadata (RFC 9728): ${metadataUrl} answered ${response.status}.`);
  }
  let document: Record<string, unknown>;
  try {
    document = response.json<Record<string, unknown>>();
  } catch {
    throw new AuthError(`The protected-resource metadata at ${metadataUrl} is not JSON.`);
  }
  if (typeof document.resource !== 'string' || !sameResource(document.resource, resource)) {
    throw new AuthError(`The protected-resource metadata at ${metadataUrl} is for ${JSON.stringify(document.resource)}, not ${resource}; check auth.resource.`);
  }
  const servers = Array.isArray(document.authorization_servers) ? document.authorization_servers.filter((s): s is string => typeof s === 'string' && s !== '') : [];
  if (servers.length === 0) throw new AuthError(`The protected-resource metadata at ${metadataUrl} names no authorization server.`);
  const metadata: ProtectedResourceMetadata = { resource: document.resource, authorizationServers: servers };
  if (Array.isArray(document.scopes_supported)) metadata.scopesSupported = document.scopes_supported.filter((s): s is string => typeof s === 'string');
  return metadata;
}
