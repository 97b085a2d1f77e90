/**
 * The authorization request URL of the authorization-code flow (RFC 6749 4.1.1, RFC 7636 4.3).
 */

export interface AuthorizationUrlOptions {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scopes?: readonly string[];
  state: string;
  /** The S256 challenge; omitted when PKCE is off. */
  codeChallenge?: string;
  /** Sent only when set (DESIGN.md section 8 "auth login"). */
  prompt?: string;
  /** Further parameters: the manifest's `authorization_params`, `audience`, `resource`. */
  extraParams?: Record<string, string>;
  /** Joins `scope`; default a space (`","` and `"+"` occur). */
  scopeSeparator?: string;
}

/**
 * Builds the authorization URL: the extra parameters, then `response_type=code`, `client_id`,
 * `redirect_uri`, `scope` (joined with `scopeSeparator`), `state`, `code_challenge` with
 * `code_challenge_method=S256`, and `prompt` only when asked (it wins over an extra `prompt`).
 * Query parameters already in `authorizeUrl` are kept.
 */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): URL {
  const url = new URL(options.authorizeUrl);
  for (const [name, value] of Object.entries(options.extraParams ?? {})) url.searchParams.set(name, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  if (options.scopes && options.scopes.length > 0) url.searchParams.set('scope', options.scopes.join(options.scopeSeparator ?? ' '));
  url.searchParams.set('state', options.state);
  if (options.codeChallenge) {
    url.searchParams.set('code_challenge', options.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  if (options.prompt) url.searchParams.set('prompt', options.prompt);
  return url;
}
