/**
 * OpenID Connect discovery (OpenID Connect Discovery 1.0 section 4): the endpoints of an issuer.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient } from '../../plugin-api.js';

/** The endpoints the runtime uses from a discovery document. */
export interface DiscoveredEndpoints {
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
}

/** Reads `<issuer>/.well-known/openid-configuration` and checks that its `issuer` matches. */
export async function discoverEndpoints(http: HttpClient, issuer: string): Promise<DiscoveredEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const document = (await http.request({ url, headers: { accept: 'application/json' } })).json<Record<string, unknown>>();
  if (typeof document.issuer !== 'string' || document.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new AuthError(`The discovery document of ${issuer} names a different issuer.`);
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    authorizationEndpoint: text(document.authorization_endpoint),
    tokenEndpoint: text(document.token_endpoint),
    deviceAuthorizationEndpoint: text(document.device_authorization_endpoint),
  };
}
