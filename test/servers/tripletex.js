// @ts-check
/**
 * A local Tripletex API v2 (tripletex.json in the vendor specs), under `/v2`.
 *
 * - `POST /v2/token/session/:create` with the JSON body `{consumerToken, employeeToken,
 *   expirationDate: "YYYY-MM-DD"}` (no auth header; the spec's preferred form) answers 201, and the
 *   legacy `PUT /v2/token/session/:create?consumerToken=&employeeToken=&expirationDate=` answers
 *   200; both check both tokens (403, code 9000 when wrong) and the date (422, code 15000 when
 *   missing, malformed or in the past, UTC) and answer `{value: SessionToken}`. With the option or
 *   knob `sessionPostStatus` (404 or 405) the POST answers that status instead: a server that has
 *   only the legacy PUT.
 * - Resources need HTTP Basic `<company_id>:<session token>`; the username must be 0 or one of
 *   `companyIds`. A missing, unknown, expired (after 00:00 UTC of its expirationDate) or revoked
 *   session gets 401 `{status, code: 3000, message, link, developerMessage, validationMessages,
 *   requestId}` as Tripletex sends it.
 * - Lists page with `from` (default 0) and `count` (default 1000) and answer
 *   `{fullResultSize, from, count, versionDigest, values}`. Required query parameters of the spec
 *   (invoiceDateFrom/To, dateFrom/dateTo, orderDateFrom/To) give 422 when missing.
 * - `changedSince` (customer, supplier) keeps records changed at or after that date or time.
 */
import {
  createFaultKnobs,
  listen,
  parseBasic,
  randomToken,
  readBody,
  sendJson,
  serveInjectedFailure,
  takeForced401,
} from './http-kit.js';

/**
 * @typedef {object} TripletexServerOptions
 * @property {number} [port]
 * @property {string} [consumerToken] Default `test-consumer-token`.
 * @property {string} [employeeToken] Default `test-employee-token`.
 * @property {number[]} [companyIds] Company ids besides 0 the session may act for (default [12345]).
 * @property {Record<string, number>} [counts] Records per entity, e.g. `{customer: 2500}`.
 * @property {404 | 405 | null} [sessionPostStatus] Answer `POST /token/session/:create` with this
 *   status (only the legacy PUT works); default null: the POST is served.
 */

/** Entities served, with the date-range parameters the spec marks required. */
const ENTITIES = {
  customer: { required: [], changedSince: true },
  supplier: { required: [], changedSince: true },
  product: { required: [], changedSince: false },
  employee: { required: [], changedSince: false },
  project: { required: [], changedSince: false },
  department: { required: [], changedSince: false },
  contact: { required: [], changedSince: false },
  'ledger/account': { required: [], changedSince: false },
  invoice: { required: ['invoiceDateFrom', 'invoiceDateTo'], changedSince: false, dateField: 'invoiceDate' },
  order: { required: ['orderDateFrom', 'orderDateTo'], changedSince: false, dateField: 'orderDate' },
  'ledger/posting': { required: ['dateFrom', 'dateTo'], changedSince: false, dateField: 'date' },
  'ledger/voucher': { required: ['dateFrom', 'dateTo'], changedSince: false, dateField: 'date' },
};
const DEFAULT_COUNT = 25;

/**
 * Starts the Tripletex server.
 * @param {TripletexServerOptions} [options]
 */
export async function startTripletexServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    consumerToken: options.consumerToken ?? 'test-consumer-token',
    employeeToken: options.employeeToken ?? 'test-employee-token',
    companyIds: options.companyIds ?? [12345],
    /** @type {404 | 405 | null} */
    sessionPostStatus: options.sessionPostStatus ?? null,
    /** Session requests served, successful or not (a POST refused by `sessionPostStatus` is not counted). */
    sessionRequests: 0,
    sessionsCreated: 0,
    resourceRequests: 0,
    unauthorized: 0,
    /** @type {Map<string, { expirationDate: string, revoked: boolean }>} */
    sessions: new Map(),
    /** @type {Array<{method: string, path: string, query: Record<string, string>, body?: Record<string, string | undefined>, companyId?: string}>} */
    requests: [],
    /** @type {Record<string, Array<Record<string, unknown> & { _changedAt: number }>>} */
    data: {},
  };
  for (const entity of Object.keys(ENTITIES)) {
    state.data[entity] = [];
    addRecords(state.data, entity, options.counts?.[entity] ?? DEFAULT_COUNT, Date.parse('2024-01-01T00:00:00Z'));
  }

  const server = await listen(async (req, res, url) => {
    const path = decodeURIComponent(url.pathname);
    state.requests.push({ method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams) });
    if (!path.startsWith('/v2/')) return sendError(res, 404, 6000, 'Object not found');
    const resource = path.slice('/v2/'.length);
    if (resource === 'token/session/:create') return createSession(req, res, url, state);
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => errorBody(status, status === 429 ? 1000 : 1000, status === 429 ? 'Too many requests' : 'Internal error'))) return;
    const auth = parseBasic(req.headers.authorization);
    const session = auth ? state.sessions.get(auth.password) : undefined;
    const companyOk = auth && (auth.user === '0' || state.companyIds.map(String).includes(auth.user));
    if (takeForced401(state) || !session || session.revoked || !companyOk || Date.now() >= Date.parse(`${session.expirationDate}T00:00:00Z`)) {
      state.unauthorized += 1;
      return sendError(res, 401, 3000, 'Unauthorized');
    }
    state.requests[state.requests.length - 1].companyId = auth?.user;
    if (req.method !== 'GET') return sendError(res, 405, 1000, 'Method not allowed');
    if (resource === 'token/session/>whoAmI') {
      return sendJson(res, 200, { value: { employeeId: 1, actualEmployeeId: 1, companyId: Number(auth?.user) || 12345, language: 'en' } });
    }
    return listEntity(res, url, resource, state);
  }, options);

  return {
    ...server,
    state,
    /** Adds `n` records to an entity, changed now (for incremental runs). */
    addRecords: (/** @type {string} */ entity, /** @type {number} */ n) => addRecords(state.data, entity, n, Date.now()),
    /** Revokes every session, so the next request gets 401 and the client must create a new one. */
    revokeSessions: () => state.sessions.forEach((s) => (s.revoked = true)),
  };
}

/**
 * @param {Record<string, Array<Record<string, unknown> & { _changedAt: number }>>} data
 * @param {string} entity
 * @param {number} n
 * @param {number} changedAt
 */
function addRecords(data, entity, n, changedAt) {
  const list = data[entity];
  if (!list) throw new Error(`Unknown Tripletex entity ${entity}.`);
  for (let i = 0; i < n; i++) {
    const id = list.length + 1;
    const base = { id, version: 1, url: `tripletex.no/v2/${entity}/${id}`, _changedAt: changedAt };
    const day = new Date(Date.UTC(2024, 0, 1 + (id % 365))).toISOString().slice(0, 10);
    /** @type {Record<string, unknown>} */
    let fields;
    switch (entity) {
      case 'customer': fields = { name: `Customer ${id} AS`, customerNumber: 10000 + id, organizationNumber: String(900000000 + id), email: `post${id}@customer.no`, isCustomer: true, isSupplier: false, isInactive: false }; break;
      case 'supplier': fields = { name: `Supplier ${id} AS`, supplierNumber: 20000 + id, organizationNumber: String(910000000 + id), isSupplier: true, isInactive: false }; break;
      case 'invoice': fields = { invoiceNumber: id, invoiceDate: day, invoiceDueDate: day, customer: { id: (id % 10) + 1 }, amount: id * 100, amountCurrency: id * 100, currency: { id: 1 } }; break;
      case 'order': fields = { number: String(id), orderDate: day, customer: { id: (id % 10) + 1 }, isClosed: false }; break;
      case 'ledger/posting': fields = { date: day, description: `Posting ${id}`, account: { id: 1920 }, amount: (id % 2 ? 1 : -1) * id * 10, voucher: { id: Math.ceil(id / 2) } }; break;
      case 'ledger/voucher': fields = { date: day, number: id, description: `Voucher ${id}` }; break;
      case 'ledger/account': fields = { number: 1000 + id, name: `Account ${1000 + id}`, isBankAccount: false }; break;
      case 'employee': fields = { firstName: `First${id}`, lastName: `Last${id}`, employeeNumber: String(id), email: `employee${id}@company.no` }; break;
      case 'product': fields = { name: `Product ${id}`, number: String(id), priceExcludingVatCurrency: id * 10 }; break;
      default: fields = { name: `${entity} ${id}` };
    }
    list.push({ ...base, ...fields });
  }
}

/**
 * The session parameters: from the JSON body of a POST, from the query of the legacy PUT.
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @returns {Promise<Record<string, string | undefined> | null>} null: a body that is not a JSON object
 */
async function readSessionParams(req, url) {
  if (req.method === 'PUT') return Object.fromEntries(url.searchParams);
  try {
    const body = JSON.parse(await readBody(req));
    if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]));
  } catch {
    return null;
  }
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {Awaited<ReturnType<typeof startTripletexServer>>['state']} state
 */
async function createSession(req, res, url, state) {
  if (req.method !== 'PUT' && req.method !== 'POST') return sendError(res, 405, 1000, 'Method not allowed');
  if (req.method === 'POST' && state.sessionPostStatus !== null) {
    return sendError(res, state.sessionPostStatus, state.sessionPostStatus === 404 ? 6000 : 1000, state.sessionPostStatus === 404 ? 'Object not found' : 'Method not allowed');
  }
  state.sessionRequests += 1;
  const params = await readSessionParams(req, url);
  if (!params) return sendError(res, 400, 4000, 'Request body is not a JSON object.');
  if (req.method === 'POST') state.requests[state.requests.length - 1].body = params;
  const q = { get: (/** @type {string} */ name) => params[name] || null };
  const missing = ['consumerToken', 'employeeToken', 'expirationDate'].filter((name) => !q.get(name));
  if (missing.length) {
    return sendError(res, 422, 15000, 'Validering feilet.', missing.map((field) => ({ field, message: 'Kan ikke være null.' })));
  }
  const expirationDate = /** @type {string} */ (q.get('expirationDate'));
  const today = new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expirationDate) || Number.isNaN(Date.parse(expirationDate)) || expirationDate < today) {
    return sendError(res, 422, 15000, 'Validering feilet.', [{ field: 'expirationDate', message: 'Ugyldig dato.' }]);
  }
  if (q.get('consumerToken') !== state.consumerToken || q.get('employeeToken') !== state.employeeToken) {
    return sendError(res, 403, 9000, 'Invalid consumer token or employee token');
  }
  const token = Buffer.from(JSON.stringify({ tokenId: state.sessionsCreated + 1, token: randomToken('s') })).toString('base64');
  state.sessions.set(token, { expirationDate, revoked: false });
  state.sessionsCreated += 1;
  sendJson(res, req.method === 'POST' ? 201 : 200, {
    value: {
      id: state.sessionsCreated,
      version: 0,
      url: `tripletex.no/v2/token/session/${state.sessionsCreated}`,
      consumerToken: { id: 1, url: 'tripletex.no/v2/token/consumer/1' },
      employeeToken: { id: 1, url: 'tripletex.no/v2/token/employee/1' },
      expirationDate,
      token,
      encryptionKey: null,
    },
  });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {string} resource
 * @param {Awaited<ReturnType<typeof startTripletexServer>>['state']} state
 */
function listEntity(res, url, resource, state) {
  const spec = /** @type {Record<string, {required: string[], changedSince: boolean, dateField?: string}>} */ (ENTITIES)[resource];
  if (!spec) return sendError(res, 404, 6000, 'Object not found');
  const q = url.searchParams;
  const missing = spec.required.filter((name) => !q.get(name));
  if (missing.length) return sendError(res, 422, 15000, 'Validering feilet.', missing.map((field) => ({ field, message: 'Kan ikke være null.' })));
  const from = Number(q.get('from') ?? 0);
  const count = Number(q.get('count') ?? 1000);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(count) || count < 0) {
    return sendError(res, 422, 15000, 'Validering feilet.', [{ field: 'from', message: 'Ugyldig verdi.' }]);
  }
  let rows = state.data[resource];
  if (spec.dateField && spec.required.length === 2) {
    const [lo, hi] = spec.required.map((name) => /** @type {string} */ (q.get(name)));
    // Tripletex's date ranges are from (inclusive) to (exclusive).
    rows = rows.filter((r) => String(r[/** @type {string} */ (spec.dateField)]) >= lo && String(r[/** @type {string} */ (spec.dateField)]) < hi);
  }
  const changedSince = q.get('changedSince');
  if (changedSince !== null) {
    if (!spec.changedSince) return sendError(res, 422, 15000, 'Validering feilet.', [{ field: 'changedSince', message: 'Ukjent felt.' }]);
    const since = Date.parse(changedSince);
    if (Number.isNaN(since)) return sendError(res, 422, 15000, 'Validering feilet.', [{ field: 'changedSince', message: 'Ugyldig dato.' }]);
    rows = rows.filter((r) => r._changedAt >= since);
  }
  const values = rows.slice(from, from + count).map(({ _changedAt, ...rest }) => rest);
  sendJson(res, 200, { fullResultSize: rows.length, from, count: values.length, versionDigest: `digest-${rows.length}`, values }, {
    'x-rate-limit-limit': '1000',
    'x-rate-limit-remaining': '999',
    'x-rate-limit-reset': '60',
  });
}

/**
 * A Tripletex error body.
 * @param {number} status
 * @param {number} code
 * @param {string} message
 * @param {Array<{field: string, message: string}> | null} [validationMessages]
 */
function errorBody(status, code, message, validationMessages = null) {
  return { status, code, message, link: 'https://tripletex.no/v2-docs/', developerMessage: null, validationMessages, requestId: randomToken('req') };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {number} code
 * @param {string} message
 * @param {Array<{field: string, message: string}> | null} [validationMessages]
 */
function sendError(res, status, code, message, validationMessages = null) {
  sendJson(res, status, errorBody(status, code, message, validationMessages));
}
