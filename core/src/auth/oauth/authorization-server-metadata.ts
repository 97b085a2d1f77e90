/**
 * OAuth 2.0 Authorization Server Metadata (RFC 8414): the endpoints of an issuer, at
 * `/.well-known/oauth-authorization-server` inserted before the issuer's path (section 3.1), else
 * at OpenID Connect's `/.well-known/openid-configuration` (both orders of path insertion, as MCP
 * clients try them). The document's `issuer` must be the issuer asked about (section 3.3).
 */
import { AuthError } from '../../errors.js';
import type { HttpClient } from '../../plugin-api.js';

/** What the runtime uses from an authorization server's metadata. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  registrationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  codeChallengeMethods?: string[];
}

/** The metadata URLs to try for an issuer, in order. */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  const urls = [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}/.well-known/openid-configuration${path}`];
  if (path) urls.push(`${url.origin}${path}/.well-known/openid-configuration`);
  return urls;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads the first metadata document that exists and checks its issuer. */
export async function discoverAuthorizationServer(http: HttpClient, issuer: string): Promise<AuthorizationServerMetadata> {
  const tried: string[] = [];
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const response = await http.request({ url, headers: { accept: 'application/json' }, throwHttpErrors: false });
    tried.push(`${url} (${response.status})`);
    if (response.status !== 200) continue;
    let document: Record<string, unknown>;
    try {
      document = response.json<Record<string, unknown>>();
    } catch {
      continue;
    }
    if (text(document.issuer)?.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
      throw new AuthError(`The authorization server metadata at ${url} names the issuer ${JSON.stringify(document.issuer)}, not ${issuer}.`);
    }
    const metadata: AuthorizationServerMetadata = { issuer };
    const set = <K extends keyof AuthorizationServerMetadata>(key: K, value: AuthorizationServerMetadata[K] | undefined) => {
      if (value !== undefined) metadata[key] = value;
    };
    set('authorizationEndpoint', text(document.authorization_endpoint));
    set('tokenEndpoint', text(document.token_endpoint));
    set('registrationEndpoint', text(document.registration_endpoint));
    set('deviceAuthorizationEndpoint', text(document.device_authorization_endpoint));
    if (Array.isArray(document.code_challenge_methods_supported)) {
      metadata.codeChallengeMethods = document.code_challenge_methods_supported.filter((m): m is string => typeof m === 'string');
    }
    return metadata;
  }
  throw new AuthError(`The authorization server ${issuer} publishes no metadata (RFC 8414); tried ${tried.join(', ')}.`);
}
