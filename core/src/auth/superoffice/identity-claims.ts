/** The namespace of SuperOffice's own claims in id_tokens and ticket JWTs. */
export const SUPEROFFICE_CLAIM_PREFIX = 'http://schemes.superoffice.net/identity/';

/** The tenant facts an id_token carries. */
export interface IdentityClaims {
  /** The customer context identifier, e.g. `Cust12345`. */
  ctx: string;
  /** The tenant's WebAPI base, e.g. `https://sod.superoffice.com/Cust12345/api/`. */
  webapi_url: string;
  /** The system user token (present when the app is allowed a system user). */
  system_token?: string;
}

/** Reads one `http://schemes.superoffice.net/identity/<name>` claim as a string. */
export function readSuperOfficeClaim(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[`${SUPEROFFICE_CLAIM_PREFIX}${name}`];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The `ctx`, `webapi_url` and `system_token` claims, or undefined when `ctx` or `webapi_url` is missing. */
export function readIdentityClaims(payload: Record<string, unknown>): IdentityClaims | undefined {
  const ctx = readSuperOfficeClaim(payload, 'ctx');
  const webapiUrl = readSuperOfficeClaim(payload, 'webapi_url');
  if (!ctx || !webapiUrl) return undefined;
  const claims: IdentityClaims = { ctx, webapi_url: webapiUrl };
  const systemToken = readSuperOfficeClaim(payload, 'system_token');
  if (systemToken) claims.system_token = systemToken;
  return claims;
}
