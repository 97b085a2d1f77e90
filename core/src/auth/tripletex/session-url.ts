import { AuthError } from '../../errors.js';

/** The path of Tripletex's session endpoint below the API's base URL. */
export const SESSION_PATH = '/token/session/:create';

/**
 * Where sessions are created: `auth.session_url` when the manifest sets it, else
 * `<config.base_url>/token/session/:create` (DESIGN.md section 4). `config.base_url` is the
 * connector's resolved config value, so `--config base_url=...` moves the session endpoint too.
 */
export function resolveSessionUrl(options: Record<string, unknown>, config: Record<string, unknown>): string {
  const sessionUrl = options.session_url;
  if (typeof sessionUrl === 'string' && sessionUrl !== '') return sessionUrl;
  const baseUrl = config.base_url;
  if (typeof baseUrl === 'string' && baseUrl !== '') return `${baseUrl.replace(/\/+$/, '')}${SESSION_PATH}`;
  throw new AuthError('The tripletex scheme cannot tell where to create sessions; set auth.session_url or config.base_url.');
}
