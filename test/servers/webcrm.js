// @ts-check
/**
 * A local webCRM REST API v1 (webcrm.json in the vendor specs).
 *
 * - `POST /Auth/ApiLogin` with the form field `authCode` (urlencoded or multipart/form-data; a
 *   JSON body is refused with 415) answers the TokenResponseDto
 *   `{AccessToken, RefreshToken, ExpiresIn, TokenType, Error, ErrorDescription, IsError}`.
 *   The access token is a JWT (HS256) carrying `exp`.
 * - `POST /Auth/ApiRefresh` with the header `refreshToken` answers the same DTO, with a new
 *   refresh token when `rotateRefreshToken` is on (the old one then stops working).
 * - Failed logins/refreshes answer 401 with the DTO, `IsError: true`.
 * - `GET /Organisations|Persons|Deliveries|Opportunities|Activities|Users|Products?Page=&Size=`
 *   (Page >= 1, 1 <= Size <= 1000, default 1 and 100) answer a bare JSON array.
 *   They need `Authorization: Bearer <AccessToken>`; 401 otherwise, empty body and
 *   `WWW-Authenticate: Bearer` (ASP.NET Core's answer).
 */
import { createHmac } from 'node:crypto';
import { createFaultKnobs, listen, parseAuthorization, randomToken, readBody, sendJson, serveInjectedFailure, takeForced401 } from './http-kit.js';

/**
 * @typedef {object} WebcrmServerOptions
 * @property {number} [port]
 * @property {string} [authCode] The valid API key (default `test-webcrm-auth-code`).
 * @property {number} [tokenLifetime] Seconds (default 3600), sent as ExpiresIn and in the JWT's exp.
 * @property {boolean} [omitExpiresIn] Leave ExpiresIn out (null), so clients must read the JWT's exp.
 * @property {boolean} [rotateRefreshToken] Issue a new refresh token on refresh (default true).
 * @property {Record<string, number>} [counts] Records per resource, e.g. `{Organisations: 2500}`.
 */

const RESOURCES = {
  Organisations: 'Organisation',
  Persons: 'Person',
  Deliveries: 'Delivery',
  Opportunities: 'Opportunity',
  Activities: 'Activity',
  Users: 'User',
  Products: 'Product',
};
const JWT_KEY = 'webcrm-test-signing-key';

/**
 * Starts the webCRM server.
 * @param {WebcrmServerOptions} [options]
 */
export async function startWebcrmServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    authCode: options.authCode ?? 'test-webcrm-auth-code',
    tokenLifetime: options.tokenLifetime ?? 3600,
    omitExpiresIn: options.omitExpiresIn ?? false,
    rotateRefreshToken: options.rotateRefreshToken ?? true,
    /** Milliseconds added to the server's clock: a test moves it with a client's, as if time passed. */
    clockOffsetMs: 0,
    logins: 0,
    failedLogins: 0,
    refreshes: 0,
    failedRefreshes: 0,
    resourceRequests: 0,
    unauthorized: 0,
    /** @type {Map<string, number>} access token -> expiry (ms) */
    accessTokens: new Map(),
    /** @type {Set<string>} */
    refreshTokens: new Set(),
    /** @type {Array<{method: string, path: string, query: Record<string, string>, contentType?: string}>} */
    requests: [],
    /** @type {Record<string, number>} */
    counts: Object.fromEntries(Object.keys(RESOURCES).map((r) => [r, options.counts?.[r] ?? 25])),
  };

  const now = () => Date.now() + state.clockOffsetMs;
  const issue = () => {
    const iat = Math.floor(now() / 1000);
    const exp = iat + state.tokenLifetime;
    const accessToken = signJwt({ sub: 'api-user', iss: 'https://api.webcrm.com', exp, iat, jti: randomToken('j') });
    state.accessTokens.set(accessToken, exp * 1000);
    const refreshToken = randomToken('webcrm-rt');
    state.refreshTokens.add(refreshToken);
    return { AccessToken: accessToken, RefreshToken: refreshToken, ExpiresIn: state.omitExpiresIn ? null : state.tokenLifetime, TokenType: 'Bearer', Error: null, ErrorDescription: null, IsError: false };
  };

  const server = await listen(async (req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'] });
    if (url.pathname === '/Auth/ApiLogin' && req.method === 'POST') {
      const authCode = await readAuthCode(req);
      if (authCode === undefined) return sendJson(res, 415, { title: 'Unsupported Media Type', status: 415 });
      if (authCode !== state.authCode) {
        state.failedLogins += 1;
        return sendJson(res, 401, tokenError('invalid_grant', 'The authCode is not valid.'));
      }
      state.logins += 1;
      return sendJson(res, 200, issue());
    }
    if (url.pathname === '/Auth/ApiRefresh' && req.method === 'POST') {
      await readBody(req);
      const refreshToken = String(req.headers.refreshtoken ?? '');
      if (!state.refreshTokens.has(refreshToken)) {
        state.failedRefreshes += 1;
        return sendJson(res, 401, tokenError('invalid_grant', 'The refresh token is not valid.'));
      }
      state.refreshes += 1;
      const answer = issue();
      if (state.rotateRefreshToken) state.refreshTokens.delete(refreshToken);
      else {
        state.refreshTokens.delete(answer.RefreshToken);
        answer.RefreshToken = refreshToken;
      }
      return sendJson(res, 200, answer);
    }
    const resource = url.pathname.slice(1);
    const prefix = /** @type {Record<string, string>} */ (RESOURCES)[resource];
    if (!prefix) return sendJson(res, 404, { title: 'Not Found', status: 404 });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => ({ title: status === 429 ? 'Too Many Requests' : 'Internal Server Error', status }))) return;
    const token = parseAuthorization(req.headers.authorization, 'Bearer');
    const expiry = token ? state.accessTokens.get(token) : undefined;
    if (takeForced401(state) || expiry === undefined || expiry <= now()) {
      state.unauthorized += 1;
      res.writeHead(401, { 'www-authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer', 'content-length': 0 });
      return res.end();
    }
    const page = Number(url.searchParams.get('Page') ?? 1);
    const size = Number(url.searchParams.get('Size') ?? 100);
    if (!Number.isInteger(page) || page < 1 || page > 1_000_000 || !Number.isInteger(size) || size < 1 || size > 1000) {
      return sendJson(res, 400, { errors: { Size: ['The field Size must be between 1 and 1000.'] }, title: 'One or more validation errors occurred.', status: 400 });
    }
    const rows = [];
    for (let id = (page - 1) * size + 1; id <= Math.min(page * size, state.counts[resource]); id++) rows.push(makeRecord(prefix, id));
    sendJson(res, 200, rows);
  }, options);

  return {
    ...server,
    state,
    /** Makes every issued access token invalid (the refresh tokens stay valid). */
    expireAccessTokens: () => state.accessTokens.clear(),
  };
}

/**
 * Reads `authCode` from an urlencoded or multipart body; undefined when the body is neither.
 * @param {import('node:http').IncomingMessage} req
 */
async function readAuthCode(req) {
  const text = await readBody(req);
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text).get('authCode') ?? '';
  if (type.includes('multipart/form-data')) {
    const match = /name="authCode"\r\n(?:[^\r\n]*\r\n)*\r\n([^\r\n]*)\r\n/.exec(text);
    return match ? match[1] : '';
  }
  return undefined;
}

/**
 * @param {string} error
 * @param {string} description
 */
function tokenError(error, description) {
  return { AccessToken: null, RefreshToken: null, ExpiresIn: null, TokenType: null, Error: error, ErrorDescription: description, IsError: true };
}

/** @param {Record<string, unknown>} claims */
function signJwt(claims) {
  const encode = (/** @type {unknown} */ v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', JWT_KEY).update(input).digest('base64url')}`;
}

/**
 * A record shaped like the spec's <Prefix>Dto (a few of its fields).
 * @param {string} prefix
 * @param {number} id
 */
function makeRecord(prefix, id) {
  const at = new Date(Date.UTC(2024, 0, 1, 0, id)).toISOString();
  /** @type {Record<string, unknown>} */
  const record = { [`${prefix}Id`]: id, [`${prefix}CreatedAt`]: at, [`${prefix}UpdatedAt`]: at, [`${prefix}UpdatedBy`]: 'API' };
  if (prefix === 'Organisation') Object.assign(record, { OrganisationName: `Organisation ${id}`, OrganisationCity: 'Oslo', OrganisationCountry: 'Norway' });
  if (prefix === 'Person') Object.assign(record, { PersonFirstName: `First${id}`, PersonLastName: `Last${id}`, PersonEmail: `person${id}@example.com`, PersonOrganisationId: (id % 10) + 1 });
  if (prefix === 'Delivery') Object.assign(record, { DeliveryNumber: String(id), DeliveryDescription: `Delivery ${id}`, DeliveryOrganisationId: (id % 10) + 1 });
  if (prefix === 'Opportunity') Object.assign(record, { OpportunityDescription: `Opportunity ${id}`, OpportunityOrganisationId: (id % 10) + 1 });
  if (prefix === 'Activity') Object.assign(record, { ActivityType: 'Call', ActivityDescription: `Activity ${id}`, ActivityOrganisationId: (id % 10) + 1 });
  if (prefix === 'User') Object.assign(record, { UserName: `User ${id}`, UserEmail: `user${id}@example.com` });
  if (prefix === 'Product') Object.assign(record, { ProductName: `Product ${id}` });
  return record;
}
