// @ts-check
/**
 * Small helpers shared by the local test servers: listening on 127.0.0.1, reading bodies,
 * answering JSON, parsing Basic/Bearer headers, and the fault knobs every server offers
 * (fail the next N requests with a status, force the next N requests to 401).
 */
import { createServer } from 'node:http';

/**
 * @typedef {object} FaultKnobs
 * @property {number} failNext Answer the next N resource requests with `failStatus`.
 * @property {number} failStatus The status for `failNext` (default 500; 429 sends Retry-After).
 * @property {number} retryAfter Seconds sent in `Retry-After` with a 429 (default 0).
 * @property {number} force401Next Answer the next N resource requests 401 whatever their credentials.
 */

/**
 * @typedef {object} RunningServer
 * @property {string} url The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
 * @property {number} port The port the server listens on.
 * @property {() => Promise<void>} close Stops the server and drops open connections.
 */

/**
 * Starts an HTTP server on 127.0.0.1.
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => Promise<void> | void} handler
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<RunningServer>}
 */
export async function listen(handler, options = {}) {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((error) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'test_server_error', message: String(error?.message ?? error) });
        else res.end();
      });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}

/**
 * Reads the whole request body as text.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string>}
 */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads an `application/x-www-form-urlencoded` body (or a JSON body, for lenient endpoints).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ form: URLSearchParams, text: string, contentType: string }>}
 */
export async function readForm(req) {
  const text = await readBody(req);
  const contentType = String(req.headers['content-type'] ?? '');
  return { form: new URLSearchParams(contentType.includes('application/x-www-form-urlencoded') ? text : ''), text, contentType };
}

/**
 * Sends a JSON answer.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Parses `Authorization: Basic ...` into its user and password, or null.
 * @param {string | undefined} header
 * @returns {{ user: string, password: string } | null}
 */
export function parseBasic(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The token of `Authorization: <scheme> <token>`, or null.
 * @param {string | undefined} header
 * @param {string} scheme e.g. `Bearer`, `SOTicket`
 * @returns {string | null}
 */
export function parseAuthorization(header, scheme) {
  const match = new RegExp(`^${scheme}\\s+(\\S+)$`, 'i').exec(header ?? '');
  return match ? match[1] : null;
}

/** @returns {FaultKnobs} */
export function createFaultKnobs() {
  return { failNext: 0, failStatus: 500, retryAfter: 0, force401Next: 0 };
}

/**
 * Serves an injected failure (`failNext`) if one is pending. Returns true when it answered.
 * @param {FaultKnobs} knobs
 * @param {import('node:http').ServerResponse} res
 * @param {(status: number) => unknown} [errorBody] the vendor's error body for a status
 */
export function serveInjectedFailure(knobs, res, errorBody) {
  if (knobs.failNext <= 0) return false;
  knobs.failNext -= 1;
  const status = knobs.failStatus;
  /** @type {Record<string, string>} */
  const headers = status === 429 || status === 503 ? { 'retry-after': String(knobs.retryAfter) } : {};
  sendJson(res, status, errorBody ? errorBody(status) : { error: 'injected_failure', status }, headers);
  return true;
}

/**
 * Consumes one forced 401 if one is pending. Returns true when the request must be refused.
 * @param {FaultKnobs} knobs
 */
export function takeForced401(knobs) {
  if (knobs.force401Next <= 0) return false;
  knobs.force401Next -= 1;
  return true;
}

/**
 * A random opaque token with a readable prefix.
 * @param {string} prefix
 */
export function randomToken(prefix) {
  return `${prefix}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/**
 * An ISO-8601 UTC time `index` minutes after `base`.
 * @param {string} base
 * @param {number} index
 */
export function minutesAfter(base, index) {
  return new Date(Date.parse(base) + index * 60_000).toISOString().replace('.000Z', 'Z');
}

/**
 * Parses `--port N` (and `--host H`) from a CLI argv, for the servers' command-line entries.
 * @param {string[]} argv
 * @returns {{ port: number, host?: string }}
 */
export function parsePortArgs(argv) {
  const get = (/** @type {string} */ flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { port: Number(get('--port') ?? 0), host: get('--host') };
}
