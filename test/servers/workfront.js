// @ts-check
/**
 * A local Adobe Workfront core API (`/attask/api/<version>/<objCode>/search`), per Adobe's API
 * basics (the vendor README's notes; workfront.json only lists the object codes).
 *
 * - The API key is the request parameter `apiKey` (case-sensitive). The header `apiKey` is accepted
 *   too when `acceptHeaderKey` (default true). When `requireUsername` is set, a `username` header
 *   naming `username` must come with it (the "apiKey plus username" pair of the issue).
 * - A missing or wrong key: 401 `{"error":{"class":"com.attask.common.AuthenticationException",
 *   "message":"You are not currently logged in"}}`.
 * - `GET .../<objCode>/search?fields=&$$FIRST=&$$LIMIT=` (objCode case-insensitive: PROJ, TASK,
 *   OPTASK, USER, PORT, PRGM, HOUR, CMPY): `{data: [...]}`, `$$LIMIT` default 100, at most 2000
 *   (more is 422). Filters `<field>=<value>&<field>_Mod=gte|gt|lt|lte|eq` on `lastUpdateDate`.
 *   Records carry ID, name, objCode, and the requested `fields` of ID, name, status,
 *   lastUpdateDate (Workfront's `yyyy-MM-ddTHH:mm:ss:SSS+0000` form), entryDate.
 * - `GET .../user/search?...` and `GET /attask/api/<version>/user?action=...` are not special.
 */
import { createFaultKnobs, listen, sendJson, serveInjectedFailure, takeForced401 } from './http-kit.js';

/**
 * @typedef {object} WorkfrontServerOptions
 * @property {number} [port]
 * @property {string} [apiKey] Default `test-workfront-api-key`.
 * @property {string} [username] Default `api-user@example.com`.
 * @property {boolean} [requireUsername] Default false.
 * @property {boolean} [acceptHeaderKey] Default true.
 * @property {Record<string, number>} [counts] Records per objCode (upper case), e.g. `{PROJ: 4500}`.
 */

const OBJECTS = { PROJ: 'Project', TASK: 'Task', OPTASK: 'Issue', USER: 'User', PORT: 'Portfolio', PRGM: 'Program', HOUR: 'Hour', CMPY: 'Company' };

/**
 * Workfront's date form: `2024-01-01T00:05:00:000+0000`.
 * @param {number} ms
 */
export function workfrontDate(ms) {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ':$1+0000');
}

/** @param {string} text */
function parseWorkfrontDate(text) {
  const iso = text.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}):(\d{3})([+-]\d{2})(\d{2})$/, '$1.$2$3:$4');
  return Date.parse(iso);
}

/**
 * Starts the Workfront server.
 * @param {WorkfrontServerOptions} [options]
 */
export async function startWorkfrontServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    apiKey: options.apiKey ?? 'test-workfront-api-key',
    username: options.username ?? 'api-user@example.com',
    requireUsername: options.requireUsername ?? false,
    acceptHeaderKey: options.acceptHeaderKey ?? true,
    resourceRequests: 0,
    unauthorized: 0,
    /** @type {Array<{method: string, path: string, query: Record<string, string>, keyIn: 'query' | 'header' | null}>} */
    requests: [],
    /** @type {Record<string, Array<{ID: string, name: string, objCode: string, status: string, entryDate: string, lastUpdateDate: string, _updated: number}>>} */
    data: {},
  };
  for (const code of Object.keys(OBJECTS)) {
    state.data[code] = [];
    addRecords(state.data, code, options.counts?.[code] ?? 25, Date.parse('2024-01-01T00:00:00Z'));
  }

  const server = await listen((req, res, url) => {
    const queryKey = url.searchParams.get('apiKey');
    const headerKey = state.acceptHeaderKey ? /** @type {string | undefined} */ (req.headers.apikey) : undefined;
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), keyIn: queryKey ? 'query' : headerKey ? 'header' : null });
    const match = /^\/attask\/api\/(v\d+\.\d+|unsupported)\/([A-Za-z]+)\/search$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { error: { class: 'com.attask.common.NotFoundException', message: `No such API path ${url.pathname}` } });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => ({ error: { class: 'com.attask.common.InternalException', message: `Injected failure ${status}` } }))) return;
    const key = queryKey ?? headerKey;
    const userOk = !state.requireUsername || req.headers.username === state.username;
    if (takeForced401(state) || key !== state.apiKey || !userOk) {
      state.unauthorized += 1;
      return sendJson(res, 401, { error: { class: 'com.attask.common.AuthenticationException', message: 'You are not currently logged in' } });
    }
    const code = match[2].toUpperCase();
    const rows = state.data[code];
    if (!rows) return sendJson(res, 422, { error: { class: 'com.attask.common.InvalidParameterException', message: `Unknown objCode ${match[2]}` } });
    const first = Number(url.searchParams.get('$$FIRST') ?? 0);
    const limit = Number(url.searchParams.get('$$LIMIT') ?? 100);
    if (!Number.isInteger(first) || first < 0 || !Number.isInteger(limit) || limit < 1 || limit > 2000) {
      return sendJson(res, 422, { error: { class: 'com.attask.common.InvalidParameterException', message: '$$LIMIT must be between 1 and 2000 and $$FIRST not negative.' } });
    }
    let matching = rows;
    const since = url.searchParams.get('lastUpdateDate');
    if (since !== null) {
      const at = parseWorkfrontDate(since);
      if (Number.isNaN(at)) return sendJson(res, 422, { error: { class: 'com.attask.common.InvalidParameterException', message: `Invalid date ${since}` } });
      const mod = (url.searchParams.get('lastUpdateDate_Mod') ?? 'eq').toLowerCase();
      /** @type {Record<string, (t: number) => boolean>} */
      const tests = { eq: (t) => t === at, gt: (t) => t > at, gte: (t) => t >= at, lt: (t) => t < at, lte: (t) => t <= at };
      const test = tests[mod];
      if (!test) return sendJson(res, 422, { error: { class: 'com.attask.common.InvalidParameterException', message: `Invalid modifier ${mod}` } });
      matching = rows.filter((r) => test(r._updated));
    }
    const fields = (url.searchParams.get('fields') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const data = matching.slice(first, first + limit).map((r) => {
      /** @type {Record<string, unknown>} */
      const out = { ID: r.ID, name: r.name, objCode: r.objCode };
      for (const f of fields) if (f === '*' || f in r) Object.assign(out, f === '*' ? { status: r.status, entryDate: r.entryDate, lastUpdateDate: r.lastUpdateDate } : { [f]: r[/** @type {'status'} */ (f)] });
      return out;
    });
    sendJson(res, 200, { data });
  }, options);

  return {
    ...server,
    state,
    /** Adds `n` records of an objCode, updated now (for incremental runs). */
    addRecords: (/** @type {string} */ code, /** @type {number} */ n) => addRecords(state.data, code.toUpperCase(), n, Date.now()),
  };
}

/**
 * @param {Record<string, Array<{ID: string, name: string, objCode: string, status: string, entryDate: string, lastUpdateDate: string, _updated: number}>>} data
 * @param {string} code
 * @param {number} n
 * @param {number} base
 */
function addRecords(data, code, n, base) {
  const list = data[code];
  if (!list) throw new Error(`Unknown Workfront objCode ${code}.`);
  const label = /** @type {Record<string, string>} */ (OBJECTS)[code];
  for (let i = 0; i < n; i++) {
    const index = list.length + 1;
    const updated = base + index * 60_000;
    list.push({
      ID: `${code.toLowerCase()}${String(index).padStart(28, '0')}`,
      name: `${label} ${index}`,
      objCode: code,
      status: index % 2 ? 'CUR' : 'PLN',
      entryDate: workfrontDate(Date.parse('2023-01-01T00:00:00Z') + index * 60_000),
      lastUpdateDate: workfrontDate(updated),
      _updated: updated,
    });
  }
}
