/**
 * OAuth 2.0 Dynamic Client Registration (RFC 7591): registers this CLI as a public client
 * (`token_endpoint_auth_method: none`, PKCE) with the loopback redirect URI, for MCP servers that
 * expect clients to register themselves.
 */
import { AuthError } from '../../errors.js';
import type { HttpClient } from '../../plugin-api.js';

/** The client a registration made. */
export interface RegisteredClient {
  clientId: string;
  /** Only when the server made a confidential client anyway. */
  clientSecret?: string;
}

/** What the registration asks for (RFC 7591 section 2). */
export interface ClientRegistrationRequest {
  registrationEndpoint: string;
  redirectUris: string[];
  clientName: string;
  scope?: string;
}

/** POSTs the client metadata and reads `client_id` (and `client_secret`) from the 201 answer. */
export async function registerClient(http: HttpClient, request: ClientRegistrationRequest): Promise<RegisteredClient> {
  const metadata: Record<string, unknown> = {
    client_name: request.clientName,
    redirect_uris: request.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    // A CLI on a loopback redirect is a native application (RFC 8252; OpenID Connect Registration).
    application_type: 'native',
  };
  if (request.scope) metadata.scope = request.scope;
  const response = await http.request({
    method: 'POST',
    url: request.registrationEndpoint,
    headers: { accept: 'application/json' },
    json: metadata,
    throwHttpErrors: false,
  });
  let body: Record<string, unknown> = {};
  try {
    body = response.json<Record<string, unknown>>();
  } catch {
    body = {};
  }
  if (response.status !== 201 && response.status !== 200) {
    const said = [body.error, body.error_description].filter((v) => typeof v === 'string' && v !== '').join(': ');
    throw new AuthError(`The client registration at ${request.registrationEndpoint} was refused (status ${response.status}${said ? `, ${said}` : ''}).`, {
      status: response.status,
      ...(typeof body.error === 'string' ? { providerError: body.error } : {}),
    });
  }
  if (typeof body.client_id !== 'string' || body.client_id === '') {
    throw new AuthError(`The client registration at ${request.registrationEndpoint} answered without a client_id.`);
  }
  const client: RegisteredClient = { clientId: body.client_id };
  if (typeof body.client_secret === 'string' && body.client_secret !== '') client.clientSecret = body.client_secret;
  return client;
}
