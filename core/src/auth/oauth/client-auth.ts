/**
 * Client authentication at the token endpoint (RFC 6749 section 2.3.1), `none` for public
 * clients (RFC 6749 2.1, used with PKCE): the `client_id` in the body and no secret, and
 * `private_key_jwt` (RFC 7523 2.2): a signed or federated JWT as `client_assertion`, and
 * `tls_client_auth` (RFC 8705 2.1): the TLS client certificate authenticates the client, which
 * sends its `client_id` in the body and no secret.
 */
import { JWT_CLIENT_ASSERTION_TYPE } from './client-assertion.js';

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt' | 'tls_client_auth';

/**
 * How client_secret_basic encodes the pair before base64: `form` form-encodes id and secret first
 * (RFC 6749 2.3.1); `raw` sends `base64(id:secret)` as is, for servers that do not decode.
 */
export type BasicEncoding = 'form' | 'raw';

/** The client's credentials. `clientSecret` is empty for a public client (`none`), `private_key_jwt` and `tls_client_auth`. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** For `private_key_jwt`: the assertion, made for this one request. */
  assertion?: string;
}

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 2.3.1 asks before base64. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The `Authorization` header of client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))`.
 * The form-encoding first is what RFC 6749 2.3.1 says, and what servers such as oidc-provider check;
 * `raw` leaves it out (`Basic base64(id:secret)`).
 */
export function clientSecretBasicHeader(credentials: ClientCredentials, encoding: BasicEncoding = 'form'): string {
  const encode = encoding === 'raw' ? (value: string) => value : formUrlEncode;
  const pair = `${encode(credentials.clientId)}:${encode(credentials.clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * Puts the client's credentials on a token request: an `authorization` header for
 * client_secret_basic, `client_id` and `client_secret` in the body for client_secret_post, only
 * `client_id` in the body for `none` and `tls_client_auth` (whose certificate is on the connection),
 * and `client_id` with `client_assertion_type` and `client_assertion` for `private_key_jwt`.
 */
export function applyClientAuth(
  method: ClientAuthMethod,
  credentials: ClientCredentials,
  request: { form: Record<string, string>; headers: Record<string, string> },
  encoding: BasicEncoding = 'form',
): void {
  if (method === 'none' || method === 'tls_client_auth') {
    request.form.client_id = credentials.clientId;
    return;
  }
  if (method === 'private_key_jwt') {
    request.form.client_id = credentials.clientId;
    request.form.client_assertion_type = JWT_CLIENT_ASSERTION_TYPE;
    request.form.client_assertion = credentials.assertion ?? '';
    return;
  }
  if (method === 'client_secret_post') {
    request.form.client_id = credentials.clientId;
    request.form.client_secret = credentials.clientSecret;
    return;
  }
  request.headers.authorization = clientSecretBasicHeader(credentials, encoding);
}
