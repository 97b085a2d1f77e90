/**
 * The oauth2 scheme's manifest options (schemas/auth/oauth2.json), read into one typed object with
 * the defaults applied, so the grants below never look at raw `ctx.options`.
 */
import { AuthError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import type { ClientAssertionSource } from './client-assertion.js';
import type { BasicEncoding, ClientAuthMethod } from './client-auth.js';
import type { TokenResponsePaths } from './token-request.js';

/** The grants the scheme knows by name; any other string is sent as is (an extension grant). */
export type KnownGrantType = 'authorization_code' | 'client_credentials' | 'jwt_bearer' | 'password';

/** The manifest's `auth` options of the oauth2 scheme, defaults applied (schemas/auth/oauth2.json). */
export interface OAuth2Options {
  /**
   * Empty only for jwt_bearer with a service account key, whose `token_uri` is used, and with
   * `discovery: mcp`, where the MCP server's authorization server names it.
   */
  token_url: string;
  authorize_url?: string;
  device_authorization_url?: string;
  issuer?: string;
  /** `mcp`: the endpoints come from the MCP server at `resource` (RFC 9728, RFC 8414). */
  discovery?: 'mcp';
  /** A {@link KnownGrantType}, or an extension grant sent as is (Zoom's `account_credentials`). */
  grant_type: KnownGrantType | (string & {});
  scopes: string[];
  /** Joins `scopes` in the authorize URL and token requests; default a space. */
  scope_separator: string;
  audience?: string;
  /** RFC 8707; with `discovery: mcp` the MCP server's URL (required). */
  resource?: string;
  client_auth: ClientAuthMethod;
  /** How client_secret_basic encodes id and secret; default `form`. */
  basic_encoding: BasicEncoding;
  pkce: boolean;
  prompt?: string;
  /** Extra authorize-URL parameters (rendered with config). */
  authorization_params: Record<string, string>;
  /** The provider's names for standard authorize-URL parameters; `""` leaves one out. */
  authorization_param_names: Record<string, string>;
  /** The authorize-URL parameters follow `#<this>` instead of the query. */
  authorize_url_fragment?: string;
  /** Sent on every token request. */
  token_params: Record<string, string>;
  /** The body of every token request; default `form`. */
  token_request_format: 'form' | 'json';
  /** Headers of every token request, as written: templates read `config` and `secrets`. */
  token_headers: Record<string, string>;
  /** Where refresh requests go; default `token_url`. */
  refresh_url?: string;
  /** Sent on refresh requests only. */
  refresh_params: Record<string, string>;
  /** Where the token answer keeps its fields. */
  token_response: TokenResponsePaths;
  /** The unit of `expires_in`; default `s`. */
  expires_in_unit: 's' | 'ms';
  /** Seconds a token lives when the answer says nothing. */
  token_lifetime?: number;
  /** Non-secret answer fields kept as `{{ auth.<name> }}`: name -> dot path. */
  token_values: Record<string, string>;
  /** The `kid` header of a signed assertion (private_key_jwt, jwt_bearer). */
  kid?: string;
  /** jwt_bearer: the assertion's `sub`, a user to impersonate (rendered with config). */
  subject?: string;
  /** A federated client assertion read at every token request; implies `private_key_jwt`. */
  client_assertion?: ClientAssertionSource;
  /**
   * Mutual TLS (RFC 8705): the `tls_client_cert` and `tls_client_key` secrets are presented on
   * every HTTPS request of the connection. On when set, and implied by `client_auth: tls_client_auth`.
   */
  tls_client_certificate: boolean;
}

/**
 * Reads `ctx.options`. The schema applies the defaults; the fallbacks here cover a host that did
 * not (a unit test passing a few options).
 */
export function readOAuth2Options(ctx: AuthContext): OAuth2Options {
  const options = ctx.options as Partial<OAuth2Options>;
  const hasTokenUrl = typeof options.token_url === 'string' && options.token_url !== '';
  if (options.discovery === 'mcp' && (typeof options.resource !== 'string' || options.resource === '')) {
    throw new AuthError(`The oauth2 auth block of ${ctx.connector} has discovery: mcp but no resource (the MCP server's URL).`);
  }
  // jwt_bearer may take its token endpoint from the service_account_json secret (Google's token_uri);
  // discovery: mcp from the MCP server's authorization server.
  if (!hasTokenUrl && options.grant_type !== 'jwt_bearer' && options.discovery !== 'mcp') {
    throw new AuthError(`The oauth2 auth block of ${ctx.connector} has no token_url.`);
  }
  return {
    ...options,
    token_url: hasTokenUrl ? options.token_url! : '',
    grant_type: options.grant_type ?? 'authorization_code',
    scopes: options.scopes ?? [],
    scope_separator: options.scope_separator ?? ' ',
    client_auth: options.client_assertion ? 'private_key_jwt' : (options.client_auth ?? 'client_secret_basic'),
    basic_encoding: options.basic_encoding ?? 'form',
    pkce: options.pkce ?? true,
    authorization_params: options.authorization_params ?? {},
    authorization_param_names: options.authorization_param_names ?? {},
    token_params: options.token_params ?? {},
    token_request_format: options.token_request_format ?? 'form',
    token_headers: options.token_headers ?? {},
    refresh_params: options.refresh_params ?? {},
    token_response: options.token_response ?? {},
    expires_in_unit: options.expires_in_unit ?? 's',
    token_values: options.token_values ?? {},
    tls_client_certificate: usesTlsClientCertificate(ctx.options),
  };
}

/**
 * True when a connection with these (raw or defaulted) oauth2 options presents a TLS client
 * certificate: `tls_client_certificate: true`, or `client_auth: tls_client_auth`, which
 * authenticates the client by that certificate (RFC 8705 2.1).
 */
export function usesTlsClientCertificate(options: Record<string, unknown>): boolean {
  return options.tls_client_certificate === true || (options.client_auth === 'tls_client_auth' && !options.client_assertion);
}
