/**
 * The vendor API behind the `acme` plugin fixture (test/fixtures/plugins/acme-scheme): a token
 * endpoint that exchanges acme_key + acme_secret for a token and records what the plugin says it
 * was given (ctx.options, the names of ctx.secrets), and resources that accept only the plugin's
 * header plus its tenant query parameter.
 */
import { listen, readBody, sendJson } from '../servers/http-kit.js';

export interface AcmeTokenRequest {
  key: string;
  secret: string;
  seen: { connector: string; connection: string; options: Record<string, unknown>; secretNames: string[]; hadPrevious: boolean };
}

export interface AcmeApiRequest {
  method: string;
  path: string;
  tenant: string | null;
  token: string | undefined;
  search: string;
}

export interface AcmeServer {
  url: string;
  tokenRequests: AcmeTokenRequest[];
  apiRequests: AcmeApiRequest[];
  /** The tokens issued, for leak scans. */
  issued: string[];
  /** Makes every token issued so far answer 401 (as a server-side revocation). */
  revokeAll(): void;
  close(): Promise<void>;
}

/** `pairs`: the accepted acme_key -> acme_secret. */
export async function startAcmeServer(pairs: Record<string, string>): Promise<AcmeServer> {
  const state = { tokenRequests: [] as AcmeTokenRequest[], apiRequests: [] as AcmeApiRequest[], issued: [] as string[] };
  const revoked = new Set<string>();
  const server = await listen(async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => {
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const body = JSON.parse((await readBody(req)) as string) as AcmeTokenRequest;
      state.tokenRequests.push(body);
      if (pairs[body.key] === undefined || pairs[body.key] !== body.secret) {
        return sendJson(res, 401, { error: 'invalid_client', error_description: 'Unknown key pair.' });
      }
      const token = `acme-tok-${state.issued.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
      state.issued.push(token);
      return sendJson(res, 200, { token, expires_in: 3600 });
    }
    const token = req.headers['x-acme-token'] as string | undefined;
    const tenant = url.searchParams.get('tenant');
    state.apiRequests.push({ method: req.method ?? 'GET', path: url.pathname, tenant, token, search: url.search });
    if (!token || !state.issued.includes(token) || revoked.has(token) || tenant === null) {
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    if (url.pathname === '/me') return sendJson(res, 200, { tenant, ok: true });
    if (url.pathname === '/widgets') {
      return sendJson(res, 200, { widgets: [{ id: 1, tenant }, { id: 2, tenant }], size: url.searchParams.get('size') });
    }
    if (req.method === 'POST' && url.pathname === '/search') {
      // Echoes the JSON body the plugin's apply left, so a test sees what was sent.
      const body = JSON.parse((await readBody(req)) as string) as Record<string, unknown>;
      return sendJson(res, 200, { results: [{ id: 'r1', body }] });
    }
    return sendJson(res, 404, { error: 'not_found' });
  });
  return {
    url: server.url as string,
    ...state,
    revokeAll: () => state.issued.forEach((token) => revoked.add(token)),
    close: server.close as () => Promise<void>,
  };
}
