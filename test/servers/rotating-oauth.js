// @ts-check
/**
 * A local OAuth token endpoint with refresh-token rotation, and an API behind it, for the
 * `connectors serve` end-to-end tests. `POST /token` (client_secret_basic or form) with
 * `grant_type=refresh_token` issues a new access token (lifetime `state.expiresIn` seconds) and a
 * new refresh token; the old refresh token is then dead (a second use is `invalid_grant`). Every
 * other path is the API: it needs a live bearer token and answers by what the path says.
 * `state.tokenDelayMs` holds each token request that long before it is processed; a request whose
 * client went away meanwhile is dropped unprocessed (counted in `abandoned`), so its refresh token
 * stays live, as with a provider that commits a rotation only with the answer it delivers.
 *
 * API paths: `/echo/...` (method, path, query, headers, body back as JSON), `/redirect` (302 to a
 * URL holding the caller's token), `/leak` (400 whose body holds the access token), `/cookie`
 * (Set-Cookie), `/slow` (answers after `state.slowMs`), `/big` (`state.bigBytes` bytes).
 */
import { randomBytes } from 'node:crypto';
import { listen, parseBasic, readBody, sendJson } from './http-kit.js';

/**
 * @param {{ clientId: string, clientSecret: string, refreshTokens: string[], expiresIn?: number }} options
 */
export async function startRotatingOAuth(options) {
  const state = {
    expiresIn: options.expiresIn ?? 3600,
    tokenRequests: 0,
    invalidGrants: 0,
    /** Hold token requests without answering (never processed) while true. */
    hangTokenRequests: false,
    hungRequests: 0,
    /** Milliseconds each token request waits before it is processed. */
    tokenDelayMs: 0,
    /** Token requests waiting out `tokenDelayMs` now. */
    delayedRequests: 0,
    /** Delayed token requests whose client went away before they were processed. */
    abandoned: 0,
    /** Every refresh token presented, in order, and whether it was live then. */
    /** @type {Array<{ token: string, live: boolean }>} */
    presented: [],
    apiRequests: 0,
    slowMs: 2000,
    bigBytes: 0,
    /** @type {Set<string>} */
    liveRefresh: new Set(options.refreshTokens),
    /** @type {Map<string, number>} access token -> expiry (ms) */
    liveAccess: new Map(),
    /** Every token value issued (for leak scans). */
    /** @type {string[]} */
    issued: [],
    /** Distinct access tokens the API accepted. */
    /** @type {Set<string>} */
    usedAccess: new Set(),
    /** @type {Array<{ method: string, path: string, headers: Record<string, unknown> }>} */
    seen: [],
  };
  const server = await listen(async (req, res, url) => {
    if (url.pathname === '/token' && req.method === 'POST') {
      if (state.hangTokenRequests) {
        state.hungRequests += 1;
        return; // never answered, never processed
      }
      const body = await readBody(req);
      if (state.tokenDelayMs > 0) {
        let gone = false;
        res.on('close', () => {
          if (!res.writableFinished) gone = true;
        });
        state.delayedRequests += 1;
        await new Promise((resolve) => setTimeout(resolve, state.tokenDelayMs));
        state.delayedRequests -= 1;
        if (gone || res.destroyed) {
          state.abandoned += 1;
          return;
        }
      }
      state.tokenRequests += 1;
      const form = new URLSearchParams(body);
      const basic = parseBasic(req.headers.authorization);
      const id = basic?.user ?? form.get('client_id');
      const secret = basic?.password ?? form.get('client_secret');
      if (id !== options.clientId || secret !== options.clientSecret) return sendJson(res, 401, { error: 'invalid_client' });
      const presented = form.get('refresh_token') ?? '';
      state.presented.push({ token: presented, live: state.liveRefresh.has(presented) });
      if (form.get('grant_type') !== 'refresh_token' || !state.liveRefresh.has(presented)) {
        state.invalidGrants += 1;
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The refresh token is not valid.' });
      }
      state.liveRefresh.delete(presented);
      const access = `at_${randomBytes(12).toString('hex')}`;
      const refresh = `rt_${randomBytes(12).toString('hex')}`;
      state.liveRefresh.add(refresh);
      state.liveAccess.set(access, Date.now() + state.expiresIn * 1000);
      state.issued.push(access, refresh);
      return sendJson(res, 200, { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: state.expiresIn });
    }
    state.apiRequests += 1;
    state.seen.push({ method: req.method ?? '', path: url.pathname + url.search, headers: { ...req.headers } });
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const expiry = state.liveAccess.get(token);
    if (expiry === undefined || expiry < Date.now()) return sendJson(res, 401, { error: 'invalid_token' });
    state.usedAccess.add(token);
    if (url.pathname.startsWith('/echo')) {
      const body = await readBody(req);
      return sendJson(res, 200, { method: req.method, path: url.pathname, query: url.search, headers: req.headers, bodyLength: Buffer.byteLength(body) });
    }
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: `https://elsewhere.example/cb?token=${token}` });
      return res.end();
    }
    if (url.pathname === '/leak') return sendJson(res, 400, { error: 'bad_request', message: `token ${token} is not allowed here` }, { 'x-debug': `seen ${token}` });
    if (url.pathname === '/cookie') return sendJson(res, 200, { cookie: req.headers.cookie ?? null }, { 'set-cookie': 'sid=abc123def; Path=/; HttpOnly' });
    if (url.pathname === '/slow') {
      await new Promise((resolve) => setTimeout(resolve, state.slowMs));
      return sendJson(res, 200, { slow: true });
    }
    if (url.pathname === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': state.bigBytes });
      return res.end(Buffer.alloc(state.bigBytes, 97));
    }
    return sendJson(res, 404, { error: 'no_such_path' });
  });
  return { ...server, state, tokenUrl: `${server.url}/token` };
}
