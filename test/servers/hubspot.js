// @ts-check
/**
 * A local HubSpot (hubspot.json in the vendor specs: OAuth v1 and CRM v3 objects).
 *
 * - `GET /oauth/authorize?client_id=&redirect_uri=&scope=&state=[&code_challenge=&code_challenge_method=S256]`
 *   auto-approves: 302 to `redirect_uri?code=..&state=..` (a wrong client_id gets 400).
 * - `POST /oauth/v1/token` (form-urlencoded; client_id/client_secret in the body, as HubSpot
 *   wants them): `authorization_code` (code, redirect_uri, and code_verifier when the authorize
 *   request sent a challenge) and `refresh_token`. Answers
 *   `{token_type: "bearer", access_token, refresh_token, expires_in}`; the refresh token stays the
 *   same unless `rotateRefreshToken`. Errors are HubSpot's 400 bodies
 *   (`status: BAD_REFRESH_TOKEN | BAD_AUTH_CODE | BAD_CLIENT_ID | ...`, plus `error`, `error_description`).
 * - `GET /crm/v3/objects/{contacts|companies|deals|tickets}?limit=&after=&properties=` and
 *   `GET /crm/v3/owners`: `{results, paging?: {next: {after, link}}}`, limit default 10, capped at 100.
 *   Bearer required: 401 `{status: "error", category: "INVALID_AUTHENTICATION" | "EXPIRED_AUTHENTICATION", ...}`.
 */
import { createHash } from 'node:crypto';
import { createFaultKnobs, listen, parseAuthorization, randomToken, readForm, sendJson, serveInjectedFailure, takeForced401 } from './http-kit.js';

/**
 * @typedef {object} HubspotServerOptions
 * @property {number} [port]
 * @property {string} [clientId] Default `test-hubspot-client`.
 * @property {string} [clientSecret] Default `test-hubspot-secret`.
 * @property {string} [refreshToken] A refresh token valid from the start (default `test-hubspot-refresh-token`).
 * @property {number} [tokenLifetime] Seconds (default 1800, HubSpot's 30 minutes).
 * @property {boolean} [rotateRefreshToken] Issue a new refresh token on every refresh, revoking the old one (default false).
 * @property {Record<string, number>} [counts] Records per object type, e.g. `{contacts: 250}`.
 */

const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets', 'owners'];

/**
 * Starts the HubSpot server.
 * @param {HubspotServerOptions} [options]
 */
export async function startHubspotServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    clientId: options.clientId ?? 'test-hubspot-client',
    clientSecret: options.clientSecret ?? 'test-hubspot-secret',
    tokenLifetime: options.tokenLifetime ?? 1800,
    rotateRefreshToken: options.rotateRefreshToken ?? false,
    tokenRequests: 0,
    refreshGrants: 0,
    codeGrants: 0,
    failedTokenRequests: 0,
    resourceRequests: 0,
    unauthorized: 0,
    /** @type {Map<string, number>} */
    accessTokens: new Map(),
    /** @type {Set<string>} */
    refreshTokens: new Set([options.refreshToken ?? 'test-hubspot-refresh-token']),
    /** @type {Map<string, { redirectUri: string, challenge: string | null, scope: string }>} */
    codes: new Map(),
    /** The form of the last token request, for assertions (holds secrets: test use only). */
    /** @type {Record<string, string> | null} */
    lastTokenRequest: null,
    /** @type {Array<{method: string, path: string, query: Record<string, string>}>} */
    requests: [],
    /** @type {Record<string, number>} */
    counts: Object.fromEntries(OBJECT_TYPES.map((t) => [t, options.counts?.[t] ?? 25])),
  };

  const server = await listen(async (req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (url.pathname === '/oauth/authorize') return authorize(res, url, state);
    if (url.pathname === '/oauth/v1/token' && req.method === 'POST') return token(req, res, state);
    const match = /^\/crm\/v3\/(?:objects\/(contacts|companies|deals|tickets)|(owners))\/?$/.exec(url.pathname);
    if (!match || req.method !== 'GET') return sendJson(res, 404, { status: 'error', message: 'Resource not found', correlationId: randomToken('c'), category: 'OBJECT_NOT_FOUND' });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => status === 429
      ? { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', correlationId: randomToken('c'), policyName: 'SECONDLY' }
      : { status: 'error', message: 'internal error', correlationId: randomToken('c'), category: 'INTERNAL_ERROR' })) return;
    const bearer = parseAuthorization(req.headers.authorization, 'Bearer');
    const expiry = bearer ? state.accessTokens.get(bearer) : undefined;
    const forced = takeForced401(state);
    if (forced || expiry === undefined || expiry <= Date.now()) {
      state.unauthorized += 1;
      const expired = !forced && expiry !== undefined;
      return sendJson(res, 401, {
        status: 'error',
        message: expired ? 'The OAuth token used to make this call expired.' : 'Authentication credentials not found.',
        correlationId: randomToken('c'),
        category: expired ? 'EXPIRED_AUTHENTICATION' : 'INVALID_AUTHENTICATION',
      });
    }
    return listObjects(res, url, match[1] ?? match[2], state);
  }, options);

  return {
    ...server,
    state,
    /** Makes every issued access token invalid; refresh tokens stay valid. */
    expireAccessTokens: () => state.accessTokens.clear(),
    /** Revokes every refresh token (the next refresh gets BAD_REFRESH_TOKEN). */
    revokeRefreshTokens: () => state.refreshTokens.clear(),
  };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {Awaited<ReturnType<typeof startHubspotServer>>['state']} state
 */
function authorize(res, url, state) {
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri');
  if (q.get('client_id') !== state.clientId || !redirectUri) return sendJson(res, 400, { status: 'BAD_CLIENT_ID', message: 'Unknown client_id or missing redirect_uri.' });
  const code = randomToken('hs-code');
  state.codes.set(code, { redirectUri, challenge: q.get('code_challenge'), scope: q.get('scope') ?? '' });
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  if (q.get('state') !== null) target.searchParams.set('state', /** @type {string} */ (q.get('state')));
  res.writeHead(302, { location: target.toString() });
  res.end();
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {Awaited<ReturnType<typeof startHubspotServer>>['state']} state
 */
async function token(req, res, state) {
  state.tokenRequests += 1;
  const { form } = await readForm(req);
  state.lastTokenRequest = Object.fromEntries(form);
  const fail = (/** @type {string} */ status, /** @type {string} */ error, /** @type {string} */ message) => {
    state.failedTokenRequests += 1;
    sendJson(res, 400, { status, message, correlationId: randomToken('c'), error, error_description: message });
  };
  if (form.get('client_id') !== state.clientId) return fail('BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client_id');
  if (form.get('client_secret') !== state.clientSecret) return fail('BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client_secret');
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') {
    const refresh = form.get('refresh_token') ?? '';
    if (!state.refreshTokens.has(refresh)) return fail('BAD_REFRESH_TOKEN', 'invalid_grant', 'missing or unknown refresh token');
    state.refreshGrants += 1;
    let next = refresh;
    if (state.rotateRefreshToken) {
      state.refreshTokens.delete(refresh);
      next = randomToken('hs-rt');
      state.refreshTokens.add(next);
    }
    return sendJson(res, 200, issueTokens(state, next));
  }
  if (grant === 'authorization_code') {
    const code = state.codes.get(form.get('code') ?? '');
    if (!code || code.redirectUri !== form.get('redirect_uri')) return fail('BAD_AUTH_CODE', 'invalid_grant', 'missing or unknown auth code');
    if (code.challenge) {
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return fail('BAD_AUTH_CODE', 'invalid_grant', 'code_verifier does not match');
    }
    state.codes.delete(/** @type {string} */ (form.get('code')));
    state.codeGrants += 1;
    const refresh = randomToken('hs-rt');
    state.refreshTokens.add(refresh);
    return sendJson(res, 200, issueTokens(state, refresh));
  }
  return fail('BAD_GRANT_TYPE', 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
}

/**
 * @param {Awaited<ReturnType<typeof startHubspotServer>>['state']} state
 * @param {string} refreshToken
 */
function issueTokens(state, refreshToken) {
  const accessToken = randomToken('hs-at');
  state.accessTokens.set(accessToken, Date.now() + state.tokenLifetime * 1000);
  return { token_type: 'bearer', access_token: accessToken, refresh_token: refreshToken, expires_in: state.tokenLifetime };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {string} type
 * @param {Awaited<ReturnType<typeof startHubspotServer>>['state']} state
 */
function listObjects(res, url, type, state) {
  const limit = Math.min(Number(url.searchParams.get('limit') ?? (type === 'owners' ? 100 : 10)), 100);
  const after = Number(url.searchParams.get('after') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(after) || after < 0) {
    return sendJson(res, 400, { status: 'error', message: 'Invalid input: limit or after.', correlationId: randomToken('c'), category: 'VALIDATION_ERROR' });
  }
  const total = state.counts[type];
  const results = [];
  for (let id = after + 1; id <= Math.min(after + limit, total); id++) {
    const at = new Date(Date.UTC(2024, 0, 1, 0, id)).toISOString();
    if (type === 'owners') results.push({ id: String(id), email: `owner${id}@example.com`, firstName: `Owner${id}`, lastName: 'Test', userId: id, createdAt: at, updatedAt: at, archived: false });
    else results.push({ id: String(id), properties: { hs_object_id: String(id), createdate: at, lastmodifieddate: at, name: `${type} ${id}` }, createdAt: at, updatedAt: at, archived: false });
  }
  /** @type {Record<string, unknown>} */
  const body = { results };
  if (after + limit < total) {
    const next = String(after + limit);
    body.paging = { next: { after: next, link: `${url.origin}${url.pathname}?after=${next}` } };
  }
  sendJson(res, 200, body);
}
