/**
 * Client authentication at the token endpoint (RFC 6749 section 2.3.1).
 */

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The client's credentials. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 2.3.1 asks before base64. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The `Authorization` header of client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))`.
 * The form-encoding first is what RFC 6749 2.3.1 says, and what servers such as oidc-provider check.
 */
export function clientSecretBasicHeader(credentials: ClientCredentials): string {
  const pair = `${formUrlEncode(credentials.clientId)}:${formUrlEncode(credentials.clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * Puts the client's credentials on a token request: an `authorization` header for
 * client_secret_basic, or `client_id` and `client_secret` in the form for client_secret_post.
 */
export function applyClientAuth(
  method: ClientAuthMethod,
  credentials: ClientCredentials,
  request: { form: Record<string, string>; headers: Record<string, string> },
): void {
  if (method === 'client_secret_post') {
    request.form.client_id = credentials.clientId;
    request.form.client_secret = credentials.clientSecret;
    return;
  }
  request.headers.authorization = clientSecretBasicHeader(credentials);
}
