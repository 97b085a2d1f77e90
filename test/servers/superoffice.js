// @ts-check
/**
 * A local SuperOffice: the identity server (SuperId), the partner system-user login and one
 * tenant's WebAPI, on one port. The server's URL plays `https://<env>.superoffice.com`.
 *
 * Identity (RS256 key pair made here; the partner app's key pair is made too unless given):
 * - `GET /login/.well-known/jwks`, `GET /login/.well-known/openid-configuration`.
 * - `GET /login/common/oauth/authorize?client_id&redirect_uri&response_type=code&state` auto-approves
 *   (302 to redirect_uri with code and state).
 * - `POST /login/common/oauth/tokens` (form; client_id/client_secret in the body): `authorization_code`
 *   (code, redirect_uri) and `refresh_token`. Answers `{token_type: "Bearer", access_token,
 *   expires_in, id_token, refresh_token?}`: the refresh token comes with authorization_code, and with
 *   refresh_token only when `rotateRefreshToken` (SuperOffice keeps the old one otherwise). The
 *   id_token (RS256, aud = client_id) carries `http://schemes.superoffice.net/identity/{ctx,
 *   webapi_url, system_token, netserver_url, ...}`. Errors: RFC 6749 bodies (400 invalid_grant,
 *   401 invalid_client).
 * - `POST /Login/api/PartnerSystemUser/Authenticate` `{SignedSystemToken, ApplicationToken,
 *   ContextIdentifier, ReturnTokenType}`: checks the signature with the partner's PUBLIC key, the
 *   time stamp (within `timestampToleranceMinutes`), ApplicationToken = client secret and the
 *   context. Answers 200 `{IsSuccessful, Token, ErrorMessage}`; a failure is `IsSuccessful: false`
 *   with the reason. With ReturnTokenType "JWT" the Token is an RS256 JWT (aud = `spn:<client_id>`,
 *   as SuperOffice issues it; exp) whose claim `.../identity/ticket` is the ticket; with "Ticket",
 *   the ticket itself.
 * WebAPI: `GET /<ctx>/api/v1/<Contact|Person|Sale|Project|Appointment|Ticket|User>` needs
 * `Authorization: SOTicket <ticket>` plus `SO-AppToken: <client secret>` (or `Authorization: Bearer
 * <access_token>`); OData paging `$top` (default 200), `$skip`, `$select`, answers
 * `{"odata.metadata", "odata.nextLink"?, value: [...]}` with an absolute next link.
 */
import { randomUUID } from 'node:crypto';
import { createFaultKnobs, listen, parseAuthorization, randomToken, readBody, readForm, sendJson, serveInjectedFailure, takeForced401 } from './http-kit.js';
import { checkSignedSystemToken, generateRsaKeys, publicJwk, signJwtRs256 } from './rs256.js';

const CLAIM = 'http://schemes.superoffice.net/identity/';
const ENTITIES = {
  Contact: ['contactId', (/** @type {number} */ i) => ({ contactId: i, name: `Company ${i} AS`, orgnr: String(900000000 + i), category: 'Customer', updatedDate: stamp(i) })],
  Person: ['personId', (/** @type {number} */ i) => ({ personId: i, fullName: `Person ${i}`, email: `person${i}@example.com`, contactId: (i % 10) + 1, updatedDate: stamp(i) })],
  Sale: ['saleId', (/** @type {number} */ i) => ({ saleId: i, heading: `Sale ${i}`, amount: i * 1000, saleStatus: 'Open', contactId: (i % 10) + 1, updatedDate: stamp(i) })],
  Project: ['projectId', (/** @type {number} */ i) => ({ projectId: i, name: `Project ${i}`, projectNumber: String(i), updatedDate: stamp(i) })],
  Appointment: ['appointmentId', (/** @type {number} */ i) => ({ appointmentId: i, description: `Meeting ${i}`, date: stamp(i), updatedDate: stamp(i) })],
  Ticket: ['ticketId', (/** @type {number} */ i) => ({ ticketId: i, title: `Ticket ${i}`, ticketStatus: 'Open', updatedDate: stamp(i) })],
  User: ['associateDbId', (/** @type {number} */ i) => ({ associateDbId: i, name: `USER${i}`, fullName: `User ${i}` })],
};

/** @param {number} i */
function stamp(i) {
  return new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().replace('.000Z', '');
}

/**
 * @typedef {object} SuperofficeServerOptions
 * @property {number} [port]
 * @property {string} [clientId] Default `test-so-client`.
 * @property {string} [clientSecret] The application token (default `test-so-app-token`).
 * @property {string} [ctx] The tenant (default `Cust12345`).
 * @property {string} [systemToken] Default `Test-SystemToken-1`.
 * @property {string} [refreshToken] A refresh token valid from the start (default `test-so-refresh-token`).
 * @property {import('node:crypto').KeyObject | string} [partnerPublicKey] The partner app's public key; default: a pair made here (see `partnerKeys`).
 * @property {number} [tokenLifetime] Access and id token lifetime, seconds (default 3600).
 * @property {number} [ticketLifetime] The system-user ticket JWT's lifetime, seconds (default 3600).
 * @property {boolean} [rotateRefreshToken] Default false.
 * @property {number} [timestampToleranceMinutes] Default 5.
 * @property {Record<string, number>} [counts] Rows per entity, e.g. `{Contact: 450}` (default 25 each).
 * @property {boolean} [signTicketWithWrongKey] Sign the system-user ticket JWT with a key the jwks does
 *   not hold (same kid), as a forged answer would be: clients must refuse it. A knob in `state` too.
 * @property {boolean} [signIdTokenWithWrongKey] The same for the id_token of token answers.
 */

/**
 * Starts the SuperOffice server.
 * @param {SuperofficeServerOptions} [options]
 */
export async function startSuperofficeServer(options = {}) {
  const identityKeys = generateRsaKeys('superid-1');
  const partnerKeys = options.partnerPublicKey ? null : generateRsaKeys('partner-1');
  // A key pair that the jwks never publishes, under the identity key's kid: what a forger would use.
  const rogueKeys = generateRsaKeys('superid-1');
  const signingKey = (/** @type {boolean} */ wrong) => (wrong ? rogueKeys.privateKey : identityKeys.privateKey);
  const state = {
    ...createFaultKnobs(),
    clientId: options.clientId ?? 'test-so-client',
    clientSecret: options.clientSecret ?? 'test-so-app-token',
    ctx: options.ctx ?? 'Cust12345',
    systemToken: options.systemToken ?? 'Test-SystemToken-1',
    partnerPublicKey: options.partnerPublicKey ?? /** @type {NonNullable<typeof partnerKeys>} */ (partnerKeys).publicKey,
    tokenLifetime: options.tokenLifetime ?? 3600,
    ticketLifetime: options.ticketLifetime ?? 3600,
    rotateRefreshToken: options.rotateRefreshToken ?? false,
    timestampToleranceMinutes: options.timestampToleranceMinutes ?? 5,
    signTicketWithWrongKey: options.signTicketWithWrongKey ?? false,
    signIdTokenWithWrongKey: options.signIdTokenWithWrongKey ?? false,
    /** Milliseconds added to the server's clock: a test moves it with a client's, as if time passed. */
    clockOffsetMs: 0,
    tokenRequests: 0, refreshGrants: 0, codeGrants: 0, failedTokenRequests: 0,
    systemUserLogins: 0, failedSystemUserLogins: 0, /** @type {string | null} */ lastSystemUserError: null,
    jwksRequests: 0, resourceRequests: 0, unauthorized: 0,
    /** @type {Set<string>} */ refreshTokens: new Set([options.refreshToken ?? 'test-so-refresh-token']),
    /** @type {Map<string, number>} */ accessTokens: new Map(),
    /** @type {Map<string, number>} */ tickets: new Map(),
    /** @type {Map<string, string>} code -> redirect_uri */ codes: new Map(),
    /** @type {Array<{method: string, path: string, query: Record<string, string>, authorization?: string, appToken?: string}>} */ requests: [],
    /** @type {Record<string, number>} */ counts: Object.fromEntries(Object.keys(ENTITIES).map((e) => [e, options.counts?.[e] ?? 25])),
  };
  /** @type {string} */
  let origin = '';
  const nowMs = () => Date.now() + state.clockOffsetMs;
  const now = () => Math.floor(nowMs() / 1000);
  const idToken = () => signJwtRs256({
    iss: origin, aud: state.clientId, sub: 'user@example.com', iat: now(), nbf: now(), exp: now() + state.tokenLifetime,
    [`${CLAIM}ctx`]: state.ctx, [`${CLAIM}webapi_url`]: `${origin}/${state.ctx}/api/`, [`${CLAIM}netserver_url`]: `${origin}/${state.ctx}/Remote/Services88/`,
    [`${CLAIM}system_token`]: state.systemToken, [`${CLAIM}serial`]: '1234567890', [`${CLAIM}is_administrator`]: 'True',
    [`${CLAIM}associateid`]: '5', [`${CLAIM}identityprovider`]: 'central-superid', [`${CLAIM}email`]: 'user@example.com',
  }, signingKey(state.signIdTokenWithWrongKey), identityKeys.kid);
  const issue = (/** @type {string | null} */ refreshToken) => {
    const accessToken = `8A:${state.ctx}.${randomToken('so-at')}`;
    state.accessTokens.set(accessToken, nowMs() + state.tokenLifetime * 1000);
    /** @type {Record<string, unknown>} */
    const body = { token_type: 'Bearer', access_token: accessToken, expires_in: state.tokenLifetime, id_token: idToken() };
    if (refreshToken) body.refresh_token = refreshToken;
    return body;
  };

  const server = await listen(async (req, res, url) => {
    const path = url.pathname;
    state.requests.push({ method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, appToken: /** @type {string | undefined} */ (req.headers['so-apptoken']) });
    if (path === '/login/.well-known/jwks') {
      state.jwksRequests += 1;
      return sendJson(res, 200, { keys: [publicJwk(identityKeys.publicKey, identityKeys.kid)] });
    }
    if (path === '/login/.well-known/openid-configuration') {
      return sendJson(res, 200, { issuer: origin, authorization_endpoint: `${origin}/login/common/oauth/authorize`, token_endpoint: `${origin}/login/common/oauth/tokens`, jwks_uri: `${origin}/login/.well-known/jwks`, response_types_supported: ['code', 'id_token'], id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (path === '/login/common/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri');
      if (url.searchParams.get('client_id') !== state.clientId || !redirectUri) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Unknown client_id or missing redirect_uri.' });
      const code = randomToken('so-code');
      state.codes.set(code, redirectUri);
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      if (url.searchParams.has('state')) target.searchParams.set('state', /** @type {string} */ (url.searchParams.get('state')));
      res.writeHead(302, { location: target.toString() });
      return res.end();
    }
    if (path === '/login/common/oauth/tokens' && req.method === 'POST') {
      state.tokenRequests += 1;
      const { form } = await readForm(req);
      const fail = (/** @type {number} */ status, /** @type {string} */ error, /** @type {string} */ description) => {
        state.failedTokenRequests += 1;
        sendJson(res, status, { error, error_description: description });
      };
      if (form.get('client_id') !== state.clientId || form.get('client_secret') !== state.clientSecret) return fail(401, 'invalid_client', 'Client authentication failed.');
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        if (!state.refreshTokens.has(refresh)) return fail(400, 'invalid_grant', 'The refresh token is invalid or expired.');
        state.refreshGrants += 1;
        if (!state.rotateRefreshToken) return sendJson(res, 200, issue(null));
        state.refreshTokens.delete(refresh);
        const next = randomToken('so-rt');
        state.refreshTokens.add(next);
        return sendJson(res, 200, issue(next));
      }
      if (form.get('grant_type') === 'authorization_code') {
        const code = form.get('code') ?? '';
        if (state.codes.get(code) !== form.get('redirect_uri')) return fail(400, 'invalid_grant', 'The authorization code is invalid.');
        state.codes.delete(code);
        state.codeGrants += 1;
        const refresh = randomToken('so-rt');
        state.refreshTokens.add(refresh);
        return sendJson(res, 200, issue(refresh));
      }
      return fail(400, 'unsupported_grant_type', 'Use authorization_code or refresh_token.');
    }
    if (path === '/Login/api/PartnerSystemUser/Authenticate' && req.method === 'POST') {
      /** @type {Record<string, unknown>} */
      let body = {};
      try { body = JSON.parse(await readBody(req)); } catch { return sendJson(res, 400, { Message: 'The request is invalid.' }); }
      const refuse = (/** @type {string} */ reason) => {
        state.failedSystemUserLogins += 1;
        state.lastSystemUserError = reason;
        sendJson(res, 200, { IsSuccessful: false, Token: null, ErrorMessage: reason });
      };
      if (body.ApplicationToken !== state.clientSecret) return refuse('Invalid application token.');
      if (body.ContextIdentifier !== state.ctx) return refuse(`Unknown context identifier ${String(body.ContextIdentifier)}.`);
      const reason = checkSignedSystemToken(String(body.SignedSystemToken ?? ''), state.systemToken, state.partnerPublicKey, state.timestampToleranceMinutes, new Date(nowMs()));
      if (reason) return refuse(reason);
      state.systemUserLogins += 1;
      const ticket = `7T:${Buffer.from(randomUUID()).toString('base64')}`;
      state.tickets.set(ticket, nowMs() + state.ticketLifetime * 1000);
      if (body.ReturnTokenType !== 'JWT') return sendJson(res, 200, { IsSuccessful: true, Token: ticket, ErrorMessage: '' });
      const token = signJwtRs256({
        iss: origin, aud: `spn:${state.clientId}`, iat: now(), nbf: now(), exp: now() + state.ticketLifetime,
        [`${CLAIM}ticket`]: ticket, [`${CLAIM}ctx`]: state.ctx, [`${CLAIM}webapi_url`]: `${origin}/${state.ctx}/api/`,
        [`${CLAIM}netserver_url`]: `${origin}/${state.ctx}/Remote/Services88/`, [`${CLAIM}is_system_user`]: 'True',
      }, signingKey(state.signTicketWithWrongKey), identityKeys.kid);
      return sendJson(res, 200, { IsSuccessful: true, Token: token, ErrorMessage: '' });
    }
    const match = /^\/([^/]+)\/api\/v1\/([A-Za-z]+)$/.exec(path);
    if (!match) return sendJson(res, 404, { Error: 'Not Found', ErrorType: 'NotFound', Message: `No resource at ${path}.` });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => ({ Error: status === 429 ? 'Too Many Requests' : 'Internal Server Error', ErrorType: 'ServerError', Message: 'Injected failure.' }))) return;
    const ticket = parseAuthorization(req.headers.authorization, 'SOTicket');
    const bearer = parseAuthorization(req.headers.authorization, 'Bearer');
    const valid = ticket
      ? (state.tickets.get(ticket) ?? 0) > nowMs() && req.headers['so-apptoken'] === state.clientSecret
      : bearer !== null && (state.accessTokens.get(bearer) ?? 0) > nowMs();
    if (takeForced401(state) || !valid || match[1] !== state.ctx) {
      state.unauthorized += 1;
      return sendJson(res, 401, { Error: 'Unauthorized', ErrorType: 'SoException', Message: 'Invalid or expired ticket, or missing SO-AppToken.' }, { 'www-authenticate': 'SOTicket' });
    }
    const entity = /** @type {Record<string, [string, (i: number) => Record<string, unknown>]>} */ (ENTITIES)[match[2]];
    if (!entity) return sendJson(res, 404, { Error: 'Not Found', ErrorType: 'NotFound', Message: `Unknown entity ${match[2]}.` });
    return listOData(res, url, entity, state.counts[match[2]], origin);
  }, options);
  origin = server.url;

  return {
    ...server,
    state,
    /** The partner app's keys when the server made them (PEM PKCS#1 / PKCS#8, RSA XML), else null. */
    partnerKeys,
    /** The identity server's public key (what the jwks endpoint serves). */
    identityPublicKey: identityKeys.publicKey,
    /** `<url>/<ctx>/api/`, the tenant's WebAPI URL the id_token announces. */
    webapiUrl: `${server.url}/${state.ctx}/api/`,
    /** Makes every ticket and access token invalid (the next request gets 401). */
    revokeTickets: () => { state.tickets.clear(); state.accessTokens.clear(); },
  };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {[string, (i: number) => Record<string, unknown>]} entity
 * @param {number} total
 * @param {string} origin
 */
function listOData(res, url, [key, make], total, origin) {
  const top = Number(url.searchParams.get('$top') ?? 200);
  const skip = Number(url.searchParams.get('$skip') ?? 0);
  if (!Number.isInteger(top) || top < 0 || !Number.isInteger(skip) || skip < 0) {
    return sendJson(res, 400, { Error: 'Bad Request', ErrorType: 'ArgumentException', Message: '$top and $skip must be non-negative integers.' });
  }
  const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()).filter(Boolean);
  const value = [];
  for (let i = skip + 1; i <= Math.min(skip + top, total); i++) {
    const row = make(i);
    const picked = select ? Object.fromEntries(select.filter((c) => c in row).map((c) => [c, row[c]])) : row;
    value.push({ PrimaryKey: i, EntityName: key.replace(/Id$|DbId$/, '').toLowerCase(), ...picked });
  }
  /** @type {Record<string, unknown>} */
  const body = { 'odata.metadata': `${origin}${url.pathname.replace(/\/v1\/.*/, '/v1/archive/$metadata')}` };
  if (skip + top < total) {
    const next = new URL(url.href);
    next.searchParams.set('$skip', String(skip + top));
    next.searchParams.set('$top', String(top));
    body['odata.nextLink'] = `${origin}${next.pathname}${next.search.replace(/%24/g, '$').replace(/%2C/gi, ',')}`;
  }
  body.value = value;
  sendJson(res, 200, body);
}
