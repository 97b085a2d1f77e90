import { createHash } from 'node:crypto';
import type { AuthScheme } from '../plugin-api.js';

/**
 * A digest of the required secrets a session was made from (the API key, the client secret, the
 * Tripletex tokens). When the user changes one of them — in the environment or the store — the
 * digest no longer matches and the session is renewed with the new values instead of going on
 * with credentials the user replaced. Seeds such as `oauth_refresh_token` are not part of it: a
 * session's rotated refresh token wins over its seed (DESIGN.md section 8 "Secret precedence").
 */
export function digestCredentials(scheme: Pick<AuthScheme, 'requiredSecrets'>, secrets: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of scheme.requiredSecrets.map((spec) => spec.name).sort()) {
    hash.update(name).update('\u0000').update(secrets[name] ?? '').update('\u0000');
  }
  return hash.digest('base64url');
}
