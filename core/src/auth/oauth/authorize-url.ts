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
  /**
   * The provider's names for the standard parameters (TikTok's `client_key` for `client_id`);
   * `""` leaves a parameter out (monday.com refuses `response_type`).
   */
  paramNames?: Record<string, string>;
  /**
   * For single-page authorize screens: the parameters go after `#<fragment>` instead of into the
   * query (`https://app.apollo.io/#/oauth/authorize?client_id=...`).
   */
  fragment?: string;
}

/** The standard parameters of the authorization request, which `paramNames` may rename. */
export const AUTHORIZATION_PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt'] as const;

/**
 * Builds the authorization URL: the extra parameters (an empty one is left out), then
 * `response_type=code`, `client_id`, `redirect_uri`, `scope` (joined with `scopeSeparator`),
 * `state`, `code_challenge` with `code_challenge_method=S256`, and `prompt` only when asked (it
 * wins over an extra `prompt`), each under its name in `paramNames`. Query parameters already in
 * `authorizeUrl` are kept; with `fragment`, the parameters follow it after `#`.
 */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): URL {
  const url = new URL(options.authorizeUrl);
  const params = url.searchParams;
  const names = options.paramNames ?? {};
  const set = (name: string, value: string): void => {
    const sent = names[name] ?? name;
    if (sent !== '') params.set(sent, value);
  };
  for (const [name, value] of Object.entries(options.extraParams ?? {})) if (value !== '') params.set(name, value);
  set('response_type', 'code');
  set('client_id', options.clientId);
  set('redirect_uri', options.redirectUri);
  if (options.scopes && options.scopes.length > 0) set('scope', options.scopes.join(options.scopeSeparator ?? ' '));
  set('state', options.state);
  if (options.codeChallenge) {
    set('code_challenge', options.codeChallenge);
    set('code_challenge_method', 'S256');
  }
  if (options.prompt) set('prompt', options.prompt);
  if (options.fragment === undefined) return url;
  const query = params.toString();
  url.search = '';
  url.hash = `${options.fragment}${query ? `?${query}` : ''}`;
  return url;
}
