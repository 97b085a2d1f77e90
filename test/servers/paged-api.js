// @ts-check
/**
 * A configurable paginated API for `connectors run` tests and benchmarks. It serves `total`
 * records `{id, name, updated_at}` (`updated_at` = 2024-01-01T00:00:00Z + id minutes) under every
 * pagination type, each route reading its records at a different place:
 *
 * | route | paging | records at |
 * |---|---|---|
 * | `GET /offset?offset=&limit=` | offset | `items` |
 * | `GET /page?page=&per_page=` | page (from 1) | `data` |
 * | `GET /cursor?cursor=&limit=` | cursor in `meta.next` | `results` |
 * | `GET /link?page=&limit=` | `Link: <...>; rel="next"` (RFC 8288, several links) | the body |
 * | `GET /next?skip=&top=` | `["odata.nextLink"]` (absolute URL) | `value` |
 * | `POST /search` body `{offset, limit}` | echoes the body's page | `items` |
 * | `GET /not-json` | - | a text/html body |
 * | `GET /not-array` | - | `items` is an object |
 * | `GET /echo` | - | one record `{query}` with the query it got (headers: see `state.requests`) |
 *
 * Every list route filters on `?since=` (records with `updated_at` > since, as an ISO string or a
 * date). Knobs in `state`: `total` (change it between runs to add records), `loop` (cursor and
 * next_url routes return the same cursor/URL forever), `failNext`/`failStatus`/`retryAfter` (the
 * http-kit fault knobs), `failAlways` (answer every list request `failStatus`), `requireAuth` (a
 * header value that `Authorization` must equal, else 401), `stallAfter` (answer that many list
 * requests, then hold every later one open without an answer, counting them in `stalled`: a run
 * stuck mid-stream, for tests that kill it there). `state.requests` logs
 * `{method, path, query, headers, body, at}` (off with `log: false`, as benchmarks do).
 * `pageBytes` caches serialized pages (benchmarks: the server then costs almost nothing).
 */
import { createFaultKnobs, listen, readBody, sendJson, serveInjectedFailure } from './http-kit.js';

const BASE = Date.UTC(2024, 0, 1);

/** @param {number} id */
export function pagedRecord(id) {
  return { id, name: `Record ${id}`, updated_at: new Date(BASE + id * 60_000).toISOString().replace('.000Z', 'Z') };
}

/**
 * @param {{ total?: number, log?: boolean, port?: number }} [options]
 */
export async function startPagedServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    total: options.total ?? 25,
    loop: false,
    failAlways: false,
    /** @type {string | undefined} */
    requireAuth: undefined,
    /** @type {number | undefined} */
    stallAfter: undefined,
    answered: 0,
    stalled: 0,
    /** @type {Array<{method: string, path: string, query: Record<string, string>, headers: import('node:http').IncomingHttpHeaders, body: string, at: number}>} */
    requests: [],
  };
  const log = options.log ?? true;
  /** @type {Map<string, Buffer>} */
  const cache = new Map();

  /** ids in (offset, offset+limit] after the since filter */
  const slice = (/** @type {URLSearchParams} */ q, /** @type {number} */ offset, /** @type {number} */ limit) => {
    const since = q.get('since');
    let first = 1;
    if (since) {
      const t = Date.parse(since);
      first = Math.max(1, Math.floor((t - BASE) / 60_000) + 1);
    }
    const out = [];
    for (let id = first + offset; id < first + offset + limit && id <= state.total; id += 1) out.push(pagedRecord(id));
    return out;
  };

  /** @param {import('node:http').ServerResponse} res @param {string} key @param {() => unknown} make @param {Record<string,string>} [headers] */
  const send = (res, key, make, headers = {}) => {
    let bytes = cache.get(key);
    if (!bytes) {
      bytes = Buffer.from(JSON.stringify(make()));
      if (options.log === false) cache.set(key, bytes);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
    res.end(bytes);
  };

  const server = await listen(async (req, res, url) => {
    const body = req.method === 'POST' ? await readBody(req) : '';
    if (log) {
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, at: Date.now() });
    }
    if (state.requireAuth !== undefined && req.headers.authorization !== state.requireAuth) {
      sendJson(res, 401, { error: 'unauthorized' });
      return;
    }
    if (serveInjectedFailure(state, res)) return;
    if (state.stallAfter !== undefined && state.answered >= state.stallAfter) {
      state.stalled += 1;
      return; // no answer: the socket stays open until the client goes or the server closes
    }
    state.answered += 1;
    if (state.failAlways) {
      sendJson(res, state.failStatus, { error: 'always_failing' });
      return;
    }
    const q = url.searchParams;
    const num = (/** @type {string} */ name, /** @type {number} */ fallback) => (q.has(name) ? Number(q.get(name)) : fallback);
    const key = url.pathname + url.search;
    switch (url.pathname) {
      case '/offset': {
        send(res, key, () => ({ items: slice(q, num('offset', 0), num('limit', 100)) }));
        return;
      }
      case '/page': {
        const size = num('per_page', 10);
        send(res, key, () => ({ data: slice(q, (num('page', 1) - 1) * size, size) }));
        return;
      }
      case '/cursor': {
        const limit = num('limit', 10);
        const at = q.has('cursor') ? Number(Buffer.from(String(q.get('cursor')), 'base64url').toString()) : 0;
        send(res, key, () => {
          const results = slice(q, at, limit);
          const nextAt = state.loop ? at : at + limit;
          const more = state.loop || results.length === limit;
          return { results, meta: { next: more ? Buffer.from(String(nextAt)).toString('base64url') : null } };
        });
        return;
      }
      case '/link': {
        const limit = num('limit', 10);
        const page = num('page', 1);
        const records = slice(q, (page - 1) * limit, limit);
        const links = [`<${url.pathname}?page=1&limit=${limit}>; rel="first"`];
        const nextPage = state.loop ? page : page + 1;
        if (records.length === limit || state.loop) {
          const extra = q.has('since') ? `&since=${encodeURIComponent(String(q.get('since')))}` : '';
          links.push(`<${url.pathname}?page=${nextPage}&limit=${limit}${extra}>; rel="next"`);
        }
        links.push(`<${url.pathname}?page=999&limit=${limit}>; rel="last"`);
        send(res, key, () => records, { link: links.join(', ') });
        return;
      }
      case '/next': {
        const top = num('top', 10);
        const skip = num('skip', 0);
        send(res, key, () => {
          const value = slice(q, skip, top);
          const next = new URL(url.href);
          next.searchParams.set('skip', String(state.loop ? skip : skip + top));
          next.searchParams.set('top', String(top));
          return { value, 'odata.nextLink': value.length === top || state.loop ? next.href : null };
        });
        return;
      }
      case '/search': {
        /** @type {{offset?: number, limit?: number}} */
        const page = body ? JSON.parse(body) : {};
        sendJson(res, 200, { items: slice(q, Number(page.offset ?? 0), Number(page.limit ?? 10)) });
        return;
      }
      case '/not-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Maintenance</body></html>');
        return;
      case '/not-array':
        sendJson(res, 200, { items: { id: 1 } });
        return;
      case '/echo':
        sendJson(res, 200, { items: [{ query: Object.fromEntries(q) }] });
        return;
      default:
        sendJson(res, 404, { error: 'not_found' });
    }
  }, { port: options.port });
  return { ...server, state };
}
