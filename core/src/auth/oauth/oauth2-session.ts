/**
 * The session of a token answer: the tokens as injected secrets, the expiry (`expires_in`, else
 * `expires_at`, else the manifest's `token_lifetime`), and the non-secret values templates read
 * as `{{ auth.<name> }}` (`token_type`, `scope` and the manifest's `token_values`).
 */
import type { AuthContext, Session } from '../../plugin-api.js';
import { readDotPath, type TokenSet } from './token-request.js';

/** What the session takes from the manifest. */
export interface OAuth2SessionOptions {
  /** Seconds a token lives when the answer says nothing. */
  token_lifetime?: number;
  /** name -> dot path in the token answer. */
  token_values?: Record<string, string>;
}

/** When the tokens expire, or undefined when nothing says. A lifetime under a second counts as unknown. */
export function computeExpiresAt(now: Date, tokens: TokenSet, tokenLifetime?: number): Date | undefined {
  if (tokens.expiresIn !== undefined && tokens.expiresIn >= 1) return new Date(now.getTime() + tokens.expiresIn * 1000);
  if (tokens.expiresAt) return tokens.expiresAt;
  if (tokenLifetime !== undefined && tokenLifetime >= 1) return new Date(now.getTime() + tokenLifetime * 1000);
  return undefined;
}

/**
 * The `token_values` of an answer. A name the answer lacks keeps its value from `previous` (a
 * refresh answer often leaves out what the first answer said, e.g. a tenant id).
 */
export function selectTokenValues(raw: Record<string, unknown>, paths: Record<string, string>, previous?: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(paths)) {
    const value = readDotPath(raw, path);
    if (value !== undefined && value !== null) values[name] = value;
    else if (previous && Object.hasOwn(previous, name)) values[name] = previous[name];
  }
  return values;
}

/**
 * The session of a token answer. The refresh token of `previous` is kept when the server sent no
 * new one, and so are its `token_values` the answer lacks.
 */
export function createOAuth2Session(ctx: AuthContext, tokens: TokenSet, options: OAuth2SessionOptions = {}, previous?: { refreshToken?: string; values?: Record<string, unknown> }): Session {
  const now = ctx.now();
  const secrets: Record<string, string> = {
    oauth_access_token: tokens.accessToken,
    oauth_client_id: ctx.secrets.client_id ?? '',
    oauth_client_secret: ctx.secrets.client_secret ?? '',
  };
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  if (refreshToken) secrets.oauth_refresh_token = refreshToken;
  const session: Session = { secrets, issuedAt: now };
  const expiresAt = computeExpiresAt(now, tokens, options.token_lifetime);
  if (expiresAt) session.expiresAt = expiresAt;
  const values: Record<string, unknown> = { token_type: tokens.tokenType };
  if (tokens.scope) values.scope = tokens.scope;
  session.values = { ...values, ...selectTokenValues(tokens.raw, options.token_values ?? {}, previous?.values) };
  return session;
}
