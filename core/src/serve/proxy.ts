/**
 * The forwarding of `ANY /v1/proxy/<connector>/<connection>/<path>` (DESIGN.md section 9, "The
 * proxy's rules"), on the runtime's pieces: the connection's session from the session manager, the
 * scheme's `apply`, the connection's cookie jar and its redactor. The caller's credentials,
 * cookies, proxy and hop-by-hop headers never go upstream; the scheme's headers always win. A 401
 * renews the session once and retries once when the body was buffered (up to 1 MiB). Redirects go
 * back to the caller. Error bodies (status >= 400) and every header are redacted; 2xx bodies are
 * streamed through untouched. A connection with a TLS client certificate (mutual TLS) presents it
 * upstream, as its own requests do.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { PassThrough, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { isCookieJarEmpty } from '../http/cookie-jar.js';
import { describeTlsFailure } from '../http/describe-tls-failure.js';
import type { OpenConnection } from '../runtime/open-connection.js';
import type { TlsClientCertificate } from '../runtime/tls-client-certificate.js';
import type { OutgoingRequest, Session } from '../plugin-api.js';
import { compileTemplateTree, toText, type CompiledTree } from '../templates/index.js';

/** Bodies up to this size are buffered, so a 401 can be retried with them. */
export const REPLAYABLE_BODY_BYTES = 1024 * 1024;
/** Upstream error bodies are redacted in memory up to this size; the rest is cut off. */
const MAX_ERROR_BODY_BYTES = 8 * 1024 * 1024;

/** Headers of the caller that never go upstream (besides those the `Connection` header names). */
const DROPPED_REQUEST_HEADERS = new Set([
  'authorization', 'cookie', 'forwarded', 'host', 'connection', 'keep-alive', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'content-length', 'expect', 'http2-settings',
]);
/** Upstream headers never sent back (hop-by-hop; Set-Cookie goes into the jar). */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie']);

/** A request to forward: method, the checked path below base_url, its raw query, the caller's message. */
export interface ProxyRequest {
  method: string;
  path: string;
  query: string;
  incoming: IncomingMessage;
}

/** What to answer the caller. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable | Buffer;
  upstreamStatus?: number;
  /** Set when the answer is the proxy's own error (502/504): `{error, message}` is the body. */
  error?: string;
}

export interface ProxyOptions {
  /** Until the upstream's response headers; default 60 s. */
  upstreamTimeoutMs?: number;
  /** Told after a 401 renewed the session (RenewAhead re-arms its timer). */
  onRenewed?: () => void;
  /** Told how long each upstream request took to answer, in seconds. */
  onUpstream?: (seconds: number) => void;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/** The https agents of connections with a TLS client certificate (mutual TLS), one per certificate. */
const clientCertificateAgents = new WeakMap<TlsClientCertificate, https.Agent>();

/** The agent for `url` on `open`: one that presents the connection's client certificate, when it has one. */
function agentFor(open: OpenConnection, url: URL): http.Agent {
  if (url.protocol !== 'https:') return agents.http;
  const certificate = open.tlsClientCertificate;
  if (!certificate) return agents.https;
  let agent = clientCertificateAgents.get(certificate);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, maxSockets: 256, cert: certificate.certificate, key: certificate.key });
    clientCertificateAgents.set(certificate, agent);
  }
  return agent;
}

/** Forwards one request on `open` and returns the answer for the caller (never throws for upstream failures). */
export async function forwardRequest(open: OpenConnection, request: ProxyRequest, options: ProxyOptions = {}): Promise<ProxyAnswer> {
  const body = await readBody(request.incoming);
  let session = await open.getSession();
  let renewed = false;
  for (;;) {
    const outgoing = await buildOutgoing(open, request, session, body);
    const upstreamHost = outgoing.url.host;
    let response: IncomingMessage;
    try {
      response = await send(outgoing, agentFor(open, outgoing.url), body, options);
    } catch (error) {
      return failure(error, upstreamHost, options.upstreamTimeoutMs ?? 60_000);
    }
    if (response.statusCode === 401 && !renewed && body.replayable && open.manifest.auth.apply !== false) {
      response.resume();
      session = await open.sessions.renewAfterUnauthorized(open.binding, session);
      open.redactor.addAll(session.secrets);
      renewed = true;
      options.onRenewed?.();
      continue;
    }
    return answer(open, outgoing.url, response);
  }
}

interface RequestBody {
  /** The whole body when it fit in {@link REPLAYABLE_BODY_BYTES}; undefined with `stream`. */
  buffer?: Buffer;
  /** A body too large to buffer: what was read, then the rest. */
  stream?: Readable;
  replayable: boolean;
}

async function readBody(incoming: IncomingMessage): Promise<RequestBody> {
  const hasBody = incoming.headers['transfer-encoding'] !== undefined || (incoming.headers['content-length'] ?? '0') !== '0';
  if (!hasBody) return { replayable: true };
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = incoming[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { buffer: Buffer.concat(chunks, size), replayable: true };
    chunks.push(next.value);
    size += next.value.length;
    if (size > REPLAYABLE_BODY_BYTES) break;
  }
  const rest = Readable.from((async function* () {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  })());
  return { stream: rest, replayable: false };
}

/** The manifest's `base_url` and `headers`, compiled once per loaded manifest (not per request). */
interface CompiledManifestParts {
  baseUrl: CompiledTree;
  headers: CompiledTree;
}

const compiledParts = new WeakMap<OpenConnection['manifest'], CompiledManifestParts>();

function compiledPartsOf(manifest: OpenConnection['manifest']): CompiledManifestParts {
  let parts = compiledParts.get(manifest);
  if (!parts) {
    parts = { baseUrl: compileTemplateTree(manifest.base_url ?? '', 'base_url'), headers: compileTemplateTree(manifest.headers ?? {}, 'headers') };
    compiledParts.set(manifest, parts);
  }
  return parts;
}

/** The upstream request: base_url + path + query, the caller's allowed headers, the manifest's, cookies, then the scheme's. */
async function buildOutgoing(open: OpenConnection, request: ProxyRequest, session: Session, body: RequestBody): Promise<OutgoingRequest> {
  const context = { config: open.ctx.config, secrets: open.ctx.secrets, auth: session.values ?? {} };
  const compiled = compiledPartsOf(open.manifest);
  const baseUrl = toText(compiled.baseUrl.render(context));
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${request.path}${request.query ? `?${request.query}` : ''}`);
  const headers = forwardableHeaders(request.incoming.headers);
  const manifestHeaders = compiled.headers.render(context) as Record<string, unknown>;
  for (const [name, value] of Object.entries(manifestHeaders)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = toText(value);
  }
  const cookies = isCookieJarEmpty(open.cookieJar) ? '' : await open.cookieJar.getCookieString(url.href);
  if (cookies) headers.cookie = cookies;
  if (body.buffer) headers['content-length'] = String(body.buffer.length);
  else if (body.stream) headers['transfer-encoding'] = 'chunked';
  const outgoing: OutgoingRequest = { method: request.method, url, headers, ...(body.buffer ? { body: body.buffer } : {}) };
  if (open.manifest.auth.apply !== false) await open.registered.scheme.apply(outgoing, session, open.ctx);
  for (const value of Object.values(outgoing.headers)) open.redactor.addDerived(credentialPart(value));
  return outgoing;
}

/** The caller's headers minus credentials, cookies, proxy, forwarding and hop-by-hop ones. */
export function forwardableHeaders(incoming: IncomingHttpHeaders): Record<string, string> {
  const named = new Set(String(incoming.connection ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(lower) || named.has(lower) || lower.startsWith('proxy-') || lower.startsWith('x-forwarded-')) continue;
    headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function credentialPart(value: string): string | undefined {
  const match = /^\S+\s+(\S{4,})$/.exec(value);
  return match?.[1];
}

class UpstreamTimeout extends Error {}

function send(outgoing: OutgoingRequest, agent: http.Agent, body: RequestBody, options: ProxyOptions): Promise<IncomingMessage> {
  const timeoutMs = options.upstreamTimeoutMs ?? 60_000;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const secure = outgoing.url.protocol === 'https:';
    const request = (secure ? https : http).request(outgoing.url, {
      method: outgoing.method,
      headers: outgoing.headers,
      agent,
    });
    const timer = setTimeout(() => request.destroy(new UpstreamTimeout()), timeoutMs);
    request.once('response', (response) => {
      clearTimeout(timer);
      options.onUpstream?.((performance.now() - started) / 1000);
      resolve(response);
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (body.stream) {
      body.stream.once('error', (error) => request.destroy(error));
      body.stream.pipe(request);
    } else request.end(body.buffer);
  });
}

function failure(error: unknown, host: string, timeoutMs: number): ProxyAnswer {
  const timeout = error instanceof UpstreamTimeout;
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const tls = describeTlsFailure(code);
  const message = timeout
    ? `The upstream host ${host} did not answer within ${Math.round(timeoutMs / 100) / 10} s.`
    : tls
      ? `The upstream host ${host} could not be reached: ${tls}.`
      : `The upstream host ${host} could not be reached${code ? ` (${code})` : ''}.`;
  const payload = { error: timeout ? 'upstream_timeout' : 'upstream_unreachable', message };
  return { status: timeout ? 504 : 502, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(payload)), error: payload.error };
}

/** The caller's answer: Set-Cookie kept in the jar, hop-by-hop dropped, headers and error bodies redacted. */
async function answer(open: OpenConnection, url: URL, response: IncomingMessage): Promise<ProxyAnswer> {
  const status = response.statusCode ?? 502;
  const redact = (text: string) => open.redactor.redact(text);
  for (const cookie of response.headers['set-cookie'] ?? []) {
    await open.cookieJar.setCookie(cookie, url.href, { ignoreError: true });
  }
  if (response.headers['set-cookie']?.length) await open.saveCookies();
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.map(redact) : redact(value);
  }
  if (status < 400) return { status, headers, body: response, upstreamStatus: status };
  const { text, decoded } = await readErrorBody(response);
  if (decoded) delete headers['content-encoding'];
  const body = Buffer.from(redact(text));
  headers['content-length'] = String(body.length);
  return { status, headers, body, upstreamStatus: status };
}

async function readErrorBody(response: IncomingMessage): Promise<{ text: string; decoded: boolean }> {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  const source: Readable = decoder ? response.pipe(decoder) : response.pipe(new PassThrough());
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > MAX_ERROR_BODY_BYTES) {
        chunks.push(buffer.subarray(0, MAX_ERROR_BODY_BYTES - size));
        response.destroy();
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } catch {
    // a broken or undecodable error body: what was read is what the caller gets
  }
  return { text: Buffer.concat(chunks).toString('utf8'), decoded: decoder !== undefined };
}
