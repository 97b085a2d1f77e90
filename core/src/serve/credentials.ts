/**
 * `POST /v1/connections/<connector>/<connection>/credentials` (DESIGN.md section 9): what the
 * scheme puts on a request to `base_url`, and when it stops working. Only what gets sent: the
 * headers and query parameters `apply` adds; never a refresh token, client secret or password
 * that is not itself sent.
 */
import type { OutgoingRequest } from '../plugin-api.js';
import type { OpenConnection } from '../runtime/open-connection.js';
import { compileTemplateTree, toText } from '../templates/index.js';

/** The credentials a caller may use itself. */
export interface AppliedCredentials {
  headers: Record<string, string>;
  query: Record<string, string>;
  expiresAt?: string;
}

/** Applies the connection's session to an empty request to base_url and reports what it added. */
export async function describeAppliedCredentials(open: OpenConnection): Promise<AppliedCredentials> {
  const session = await open.getSession();
  const context = { config: open.ctx.config, secrets: open.ctx.secrets, auth: session.values ?? {} };
  const baseUrl = toText(compileTemplateTree(open.manifest.base_url ?? 'http://localhost/', 'base_url').render(context));
  const url = new URL(baseUrl);
  const before = new Set(url.searchParams.keys());
  const request: OutgoingRequest = { method: 'GET', url, headers: {} };
  if (open.manifest.auth.apply !== false) await open.registered.scheme.apply(request, session, open.ctx);
  const query: Record<string, string> = {};
  for (const [name, value] of request.url.searchParams) if (!before.has(name)) query[name] = value;
  const expiresAt = session.expiresAt === undefined ? undefined : new Date(session.expiresAt).toISOString();
  return { headers: { ...request.headers }, query, ...(expiresAt ? { expiresAt } : {}) };
}
