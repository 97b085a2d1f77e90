// @ts-check
/**
 * A local PokeAPI v2 (https://pokeapi.co/docs/v2), for the catalog's `pokeapi` connector (no auth).
 *
 * `GET /api/v2/<pokemon|type|ability|berry|move>/?limit=&offset=` answers the NamedAPIResourceList
 * `{count, next, previous, results: [{name, url}]}` with absolute `next`/`previous` URLs (null at
 * the ends); `limit` defaults to 20. Unknown resources are 404 with the text body `Not Found`.
 * The `link` option adds an RFC 8288 `Link: <...>; rel="next"` header too (for link-pagination tests).
 */
import { createFaultKnobs, listen, sendJson, serveInjectedFailure } from './http-kit.js';

/**
 * @typedef {object} PokeapiServerOptions
 * @property {number} [port]
 * @property {Record<string, number>} [counts] Items per resource (defaults: pokemon 151, others 30).
 * @property {boolean} [link] Also send a `Link` header with rel="next" (default false).
 */

const RESOURCES = ['pokemon', 'type', 'ability', 'berry', 'move'];

/**
 * Starts the PokeAPI server.
 * @param {PokeapiServerOptions} [options]
 */
export async function startPokeapiServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    link: options.link ?? false,
    /** @type {Record<string, number>} */
    counts: Object.fromEntries(RESOURCES.map((r) => [r, options.counts?.[r] ?? (r === 'pokemon' ? 151 : 30)])),
    resourceRequests: 0,
    /** @type {Array<{method: string, path: string, query: Record<string, string>, authorization?: string}>} */
    requests: [],
  };
  const server = await listen((req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization });
    const match = /^\/api\/v2\/([a-z-]+)\/?$/.exec(url.pathname);
    const total = match ? state.counts[match[1]] : undefined;
    if (!match || total === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('Not Found');
    }
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res)) return;
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('Bad Request');
    }
    const base = `${url.origin}/api/v2/${match[1]}/`;
    const results = [];
    for (let i = offset + 1; i <= Math.min(offset + limit, total); i++) results.push({ name: `${match[1]}-${i}`, url: `${base}${i}/` });
    const next = offset + limit < total ? `${base}?offset=${offset + limit}&limit=${limit}` : null;
    const previous = offset > 0 ? `${base}?offset=${Math.max(offset - limit, 0)}&limit=${limit}` : null;
    /** @type {Record<string, string>} */
    const headers = state.link && next ? { link: `<${next}>; rel="next"` } : {};
    sendJson(res, 200, { count: total, next, previous, results }, headers);
  }, options);
  return { ...server, state };
}
