/** Where a credential goes in a request: a JSON body, a form body, a header or a query parameter. */
export type CredentialPlacement = 'body' | 'form' | 'header' | 'query';

/** The jwt scheme's options (schemas/auth/jwt.json), defaults applied. */
export interface JwtOptions {
  loginUrl: string;
  refreshUrl?: string;
  apiKeyIn: CredentialPlacement;
  apiKeyName: string;
  refreshTokenIn: CredentialPlacement;
  refreshTokenName: string;
  /** Dot paths of the tokens in the login and refresh answers. */
  response: { accessToken: string; refreshToken: string; expiresIn: string };
}

/**
 * Maps the manifest's snake_case `auth` keys to {@link JwtOptions}. The schema applies the
 * defaults; the fallbacks here only cover a host that did not (e.g. a unit test passing `{}`).
 */
export function readJwtOptions(options: Record<string, unknown>): JwtOptions {
  const response = (options.response ?? {}) as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const jwtOptions: JwtOptions = {
    loginUrl: text(options.login_url) ?? '',
    apiKeyIn: (text(options.api_key_in) ?? 'body') as CredentialPlacement,
    apiKeyName: text(options.api_key_name) ?? 'api_key',
    refreshTokenIn: (text(options.refresh_token_in) ?? 'body') as CredentialPlacement,
    refreshTokenName: text(options.refresh_token_name) ?? 'refresh_token',
    response: {
      accessToken: text(response.access_token) ?? 'access_token',
      refreshToken: text(response.refresh_token) ?? 'refresh_token',
      expiresIn: text(response.expires_in) ?? 'expires_in',
    },
  };
  const refreshUrl = text(options.refresh_url);
  if (refreshUrl) jwtOptions.refreshUrl = refreshUrl;
  return jwtOptions;
}
