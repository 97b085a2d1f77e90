/** The SuperOffice login host: `auth.login_url`, else `https://<environment>.superoffice.com` (no trailing slash). */
export function resolveLoginUrl(options: Record<string, unknown>): string {
  const loginUrl = options.login_url;
  if (typeof loginUrl === 'string' && loginUrl !== '') return loginUrl.replace(/\/+$/, '');
  const environment = typeof options.environment === 'string' && options.environment !== '' ? options.environment : 'online';
  return `https://${environment}.superoffice.com`;
}

/** The endpoints below the login host. */
export const SUPEROFFICE_PATHS = {
  authorize: '/login/common/oauth/authorize',
  tokens: '/login/common/oauth/tokens',
  jwks: '/login/.well-known/jwks',
  systemUser: '/Login/api/PartnerSystemUser/Authenticate',
} as const;
