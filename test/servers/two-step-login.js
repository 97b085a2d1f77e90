// @ts-check
/**
 * A provider with a two-step login, as Nango's TWO_STEP providers behave (AgencyZoom, 3CX and the
 * like): `POST /v1/api/auth/login` takes a JSON user name and password and answers
 * `{ jwt, expires_in, refresh_token }`; `POST /v1/api/auth/refresh` takes the refresh token in a
 * form body and rotates it; `GET /session?user=&pass=` answers with the token in the
 * `X-Auth-Token` header and the account id in the body. `GET /v1/api/contacts` serves two pages of
 * contacts to a valid `Authorization: Bearer <jwt>` (or `X-Session-Token` with `?account=`).
 */
import { listen, randomToken, readBody, sendJson } from './http-kit.js';

/**
 * @param {{ username: string, password: string, lifetime?: number, refuseRefresh?: boolean }} options
 */
export async function startTwoStepLoginServer(options) {
  const state = {
    /** @type {Set<string>} */ tokens: new Set(),
    /** @type {Set<string>} */ refreshTokens: new Set(),
    logins: 0,
    refreshes: 0,
    /** @type {Array<{ method: string, path: string }>} */ requests: [],
  };
  const account = 'acct-7';
  const issue = () => {
    const token = randomToken('jwt');
    const refresh = randomToken('rt');
    state.tokens.add(token);
    state.refreshTokens.add(refresh);
    return { jwt: token, refresh_token: refresh, expires_in: options.lifetime ?? 3600 };
  };
  const server = await listen(async (req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    if (req.method === 'POST' && url.pathname === '/v1/api/auth/login') {
      const body = JSON.parse((await readBody(req)) || '{}');
      if (body.username !== options.username || body.password !== options.password) return sendJson(res, 401, { message: 'Invalid username or password' });
      state.logins += 1;
      return sendJson(res, 200, issue());
    }
    if (req.method === 'POST' && url.pathname === '/v1/api/auth/refresh') {
      const form = new URLSearchParams(await readBody(req));
      const given = form.get('refresh_token') ?? '';
      if (options.refuseRefresh || !state.refreshTokens.delete(given)) return sendJson(res, 400, { message: 'refresh token expired' });
      state.refreshes += 1;
      return sendJson(res, 200, issue());
    }
    if (req.method === 'GET' && url.pathname === '/session') {
      if (url.searchParams.get('user') !== options.username || url.searchParams.get('pass') !== options.password) return sendJson(res, 403, { message: 'denied' });
      state.logins += 1;
      const token = issue().jwt;
      return sendJson(res, 200, { account: { id: account } }, { 'X-Auth-Token': token });
    }
    if (req.method === 'GET' && url.pathname === '/v1/api/contacts') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const session = req.headers['x-session-token'];
      const ok = (bearer && state.tokens.has(bearer)) || (typeof session === 'string' && state.tokens.has(session) && url.searchParams.get('account') === account);
      if (!ok) return sendJson(res, 401, { message: 'token invalid' });
      const page = Number(url.searchParams.get('page') ?? '1');
      const contacts = page === 1 ? [{ id: 1 }, { id: 2 }] : page === 2 ? [{ id: 3 }] : [];
      return sendJson(res, 200, { contacts });
    }
    sendJson(res, 404, { message: 'not found' });
  });
  return { ...server, state };
}
