// @ts-check
/**
 * The local demo API behind the catalog's `demo` connector (and the README's main command).
 *
 * - `POST /oauth/token`: OAuth 2.0 client_credentials (RFC 6749 section 4.4). The client
 *   authenticates with HTTP Basic (client_secret_basic) or with `client_id`/`client_secret` in the
 *   form body (client_secret_post). Answers `{access_token, token_type: "Bearer", expires_in}`;
 *   errors are RFC 6749 section 5.2 bodies (`invalid_client` 401, `unsupported_grant_type` 400).
 * - `GET /customers?page=&per_page=`: page pagination, `{data, page, per_page, total}`.
 * - `GET /orders?limit=&cursor=&updated_since=`: cursor pagination, `{data, next_cursor}`,
 *   sorted by `updated_at`; `updated_since` keeps records updated strictly after it.
 * Resources need `Authorization: Bearer <token>` (401 with `WWW-Authenticate` otherwise).
 *
 * CLI: `node test/servers/demo-api.js --port 4010` serves until killed.
 */
import { pathToFileURL } from 'node:url';
import {
  createFaultKnobs,
  listen,
  minutesAfter,
  parseAuthorization,
  parseBasic,
  parsePortArgs,
  randomToken,
  readForm,
  sendJson,
  serveInjectedFailure,
  takeForced401,
} from './http-kit.js';

/**
 * @typedef {object} DemoServerOptions
 * @property {number} [port] Default 0 (any free port).
 * @property {string} [clientId] Default `demo`.
 * @property {string} [clientSecret] Default `demo-secret`.
 * @property {number} [tokenLifetime] Seconds, sent as `expires_in` (default 3600).
 * @property {number} [customers] Number of customers (default 120).
 * @property {number} [orders] Number of orders (default 250).
 */

/**
 * @typedef {import('./http-kit.js').FaultKnobs & {
 *   clientId: string, clientSecret: string, tokenLifetime: number,
 *   customers: number, orders: Array<{id: number, customer_id: number, amount: number, status: string, updated_at: string}>,
 *   tokenRequests: number, tokensIssued: number, resourceRequests: number, unauthorized: number,
 *   lastClientAuth: 'client_secret_basic' | 'client_secret_post' | null,
 *   requests: Array<{method: string, path: string, query: Record<string, string>}>,
 *   tokens: Map<string, number>,
 * }} DemoServerState
 */

const ORDER_EPOCH = '2024-01-01T00:00:00Z';

/**
 * Starts the demo API.
 * @param {DemoServerOptions} [options]
 * @returns {Promise<import('./http-kit.js').RunningServer & { state: DemoServerState, addOrders(n: number): void }>}
 */
export async function startDemoServer(options = {}) {
  /** @type {DemoServerState} */
  const state = {
    ...createFaultKnobs(),
    clientId: options.clientId ?? 'demo',
    clientSecret: options.clientSecret ?? 'demo-secret',
    tokenLifetime: options.tokenLifetime ?? 3600,
    customers: options.customers ?? 120,
    orders: [],
    tokenRequests: 0,
    tokensIssued: 0,
    resourceRequests: 0,
    unauthorized: 0,
    lastClientAuth: null,
    requests: [],
    tokens: new Map(),
  };
  const addOrders = (/** @type {number} */ n) => {
    for (let i = 0; i < n; i++) {
      const id = state.orders.length + 1;
      state.orders.push({ id, customer_id: ((id - 1) % Math.max(state.customers, 1)) + 1, amount: (id * 37) % 1000, status: id % 3 ? 'paid' : 'open', updated_at: minutesAfter(ORDER_EPOCH, id) });
    }
  };
  addOrders(options.orders ?? 250);

  const server = await listen(async (req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (url.pathname === '/oauth/token') return serveToken(req, res, state);
    if (url.pathname !== '/customers' && url.pathname !== '/orders') return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => ({ error: 'server_error', status }))) return;
    const token = parseAuthorization(req.headers.authorization, 'Bearer');
    const expiry = token ? state.tokens.get(token) : undefined;
    if (takeForced401(state) || expiry === undefined || expiry <= Date.now()) {
      state.unauthorized += 1;
      const error = token ? 'invalid_token' : 'invalid_request';
      return sendJson(res, 401, { error, error_description: 'A valid Bearer token is required.' }, { 'www-authenticate': `Bearer error="${error}"` });
    }
    if (url.pathname === '/customers') return serveCustomers(res, url, state);
    return serveOrders(res, url, state);
  }, options);
  return { ...server, state, addOrders };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {DemoServerState} state
 */
async function serveToken(req, res, state) {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'Use POST.' });
  state.tokenRequests += 1;
  const { form } = await readForm(req);
  const basic = parseBasic(req.headers.authorization);
  const clientId = basic ? decodeURIComponent(basic.user) : form.get('client_id');
  const clientSecret = basic ? decodeURIComponent(basic.password) : form.get('client_secret');
  if (clientId !== state.clientId || clientSecret !== state.clientSecret) {
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' }, { 'www-authenticate': 'Basic realm="demo"' });
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported.' });
  }
  state.lastClientAuth = basic ? 'client_secret_basic' : 'client_secret_post';
  const token = randomToken('demo-at');
  state.tokens.set(token, Date.now() + state.tokenLifetime * 1000);
  state.tokensIssued += 1;
  sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.tokenLifetime }, { 'cache-control': 'no-store' });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {DemoServerState} state
 */
function serveCustomers(res, url, state) {
  const page = Number(url.searchParams.get('page') ?? 1);
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 25), 100);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'page and per_page must be positive integers.' });
  }
  const data = [];
  for (let id = (page - 1) * perPage + 1; id <= Math.min(page * perPage, state.customers); id++) {
    data.push({ id, name: `Customer ${id}`, email: `customer${id}@example.com`, country: ['NO', 'SE', 'DK'][id % 3], created_at: minutesAfter('2023-01-01T00:00:00Z', id * 60) });
  }
  sendJson(res, 200, { data, page, per_page: perPage, total: state.customers });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {DemoServerState} state
 */
function serveOrders(res, url, state) {
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 100);
  const since = url.searchParams.get('updated_since');
  const cursor = url.searchParams.get('cursor');
  let start = 0;
  if (cursor) {
    start = Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(start) || start < 0) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Unknown cursor.' });
  }
  if (!Number.isInteger(limit) || limit < 1) return sendJson(res, 400, { error: 'invalid_request', error_description: 'limit must be a positive integer.' });
  if (since !== null && Number.isNaN(Date.parse(since))) return sendJson(res, 400, { error: 'invalid_request', error_description: 'updated_since must be an ISO-8601 time.' });
  const matching = since ? state.orders.filter((o) => Date.parse(o.updated_at) > Date.parse(since)) : state.orders;
  const data = matching.slice(start, start + limit);
  const next = start + limit < matching.length ? Buffer.from(`o:${start + limit}`).toString('base64url') : null;
  sendJson(res, 200, { data, next_cursor: next });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port, host } = parsePortArgs(process.argv.slice(2));
  const server = await startDemoServer({ port: port || 4010, ...(host ? { host } : {}) });
  process.stdout.write(`demo API listening on ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
