/**
 * The routes of `connectors serve` (DESIGN.md section 9, "Endpoints") on fastify: caller auth
 * (401 with `WWW-Authenticate: Bearer`, 403 before any existence check, then 404), the proxy, the
 * credentials endpoint, metrics, the health checks, and one audit line per request. Every error is
 * `{"error": "<code>", "message": "<one sentence>"}`, redacted, never a stack trace.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { AuthError, ConnectorsError } from '../errors.js';
import type { Redactor } from '../http/redact.js';
import type { OpenConnection } from '../runtime/open-connection.js';
import { MissingSecretError } from '../secrets/missing-secret-error.js';
import type { SecretStore } from '../secrets/store.js';
import type { AuditLog } from './audit.js';
import { callerAllows, type Caller, type CallerAuthenticator } from './callers.js';
import { describeAppliedCredentials } from './credentials.js';
import type { ServeMetrics } from './metrics.js';
import { forwardRequest } from './proxy.js';
import { checkProxyPath, proxyAllows } from './proxy-path.js';
import type { RenewAhead } from './renew-ahead.js';
import type { ServedConnections } from './served-connections.js';

/** What the routes work with. */
export interface ServeAppOptions {
  callers: CallerAuthenticator;
  connections: ServedConnections;
  renewAhead: RenewAhead;
  store: SecretStore;
  audit: AuditLog;
  metrics: ServeMetrics;
  redactor: Redactor;
  /** Default 60 s. */
  upstreamTimeoutMs?: number;
  /** fastify's `https` option (cert and key), for TLS. */
  https?: { cert: Buffer; key: Buffer };
  now?: () => number;
}

interface AuditFields {
  caller?: string;
  connector?: string;
  connection?: string;
  path?: string;
  upstreamStatus?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    audit: AuditFields;
  }
}

const PROXY_URL = /^\/v1\/proxy\/([^/?]+)\/([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/s;

/** An error answer of the service. */
class ServeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Builds the fastify app (not listening yet). */
export function createServeApp(options: ServeAppOptions): FastifyInstance {
  const serverOptions: FastifyServerOptions & { https?: unknown } = {
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    ...(options.https ? { https: options.https } : {}),
  };
  // The router's own refusals (bad percent-encoding ...) in the service's error shape.
  (serverOptions as { frameworkErrors?: unknown }).frameworkErrors = (_error: unknown, _request: unknown, reply: FastifyReply) =>
    sendError(reply, new ServeError(400, 'bad_path', 'The request URL is not valid percent-encoding.'));
  const app = Fastify(serverOptions as FastifyServerOptions) as unknown as FastifyInstance;
  const now = options.now ?? Date.now;

  // Bodies are the proxy's to stream: no parsing, nothing read before the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  app.decorateRequest('caller', undefined);
  app.decorateRequest('audit', null as unknown as AuditFields);

  // Callback hooks, not async ones: no promise per request for work that does not wait.
  app.addHook('onRequest', (request, _reply, done) => {
    request.audit = {};
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const { audit } = request;
    options.audit.request({
      ...(audit.caller ? { caller: audit.caller } : {}),
      method: request.method,
      ...(audit.connector ? { connector: audit.connector, connection: audit.connection } : {}),
      path: audit.path ?? request.url,
      status: reply.statusCode,
      ...(audit.upstreamStatus !== undefined ? { upstreamStatus: audit.upstreamStatus } : {}),
      ms: reply.elapsedTime,
    });
    done();
  });

  app.setErrorHandler((error, _request, reply) => sendError(reply, toServeError(error, options.redactor)));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new ServeError(404, 'not_found', 'No such endpoint.')));

  const authenticate = async (request: FastifyRequest): Promise<Caller> => {
    const caller = await options.callers.authenticate(request.headers.authorization);
    if (!caller) {
      throw new ServeError(401, 'unauthorized', 'A valid caller token is required (Authorization: Bearer <token>).', { 'www-authenticate': 'Bearer' });
    }
    request.caller = caller;
    request.audit.caller = caller.name;
    return caller;
  };

  /** 403 when the caller's grants do not cover it (whether or not it exists), then 404. */
  const authorizeConnection = async (request: FastifyRequest, caller: Caller, connector: string, connection: string) => {
    request.audit.connector = connector;
    request.audit.connection = connection;
    if (!callerAllows(caller, connector, connection)) {
      throw new ServeError(403, 'forbidden', `This caller may not use ${connector}/${connection}.`);
    }
    if (!(await options.connections.exists(connector, connection))) {
      throw new ServeError(404, 'not_found', `There is no connection ${connector}/${connection}.`);
    }
  };

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.store.listCallers();
      return { status: 'ready' };
    } catch {
      return sendError(reply, new ServeError(503, 'store_unavailable', 'The secret store does not answer.'));
    }
  });

  app.get('/v1/connections', async (request) => {
    const caller = await authenticate(request);
    return options.renewAhead.list().filter((entry) => callerAllows(caller, entry.connector, entry.connection));
  });

  app.post<{ Params: { connector: string; connection: string } }>('/v1/connections/:connector/:connection/credentials', async (request) => {
    const caller = await authenticate(request);
    const { connector, connection } = request.params;
    if (!caller.credentials) {
      request.audit.connector = connector;
      request.audit.connection = connection;
      throw new ServeError(403, 'forbidden', 'This caller may not ask for credentials (callers add --credentials).');
    }
    await authorizeConnection(request, caller, connector, connection);
    return describeAppliedCredentials(await options.connections.open(connector, connection));
  });

  app.get('/metrics', async (request, reply) => {
    const caller = await authenticate(request);
    if (!caller.metrics) throw new ServeError(403, 'forbidden', 'This caller may not read metrics (callers add --metrics).');
    const text = await options.metrics.render(options.renewAhead.list(), now());
    return reply.type(options.metrics.registry.contentType).send(text);
  });

  app.all('/v1/proxy/*', async (request, reply) => {
    const started = performance.now();
    const caller = await authenticate(request);
    const match = PROXY_URL.exec(request.raw.url ?? '');
    if (!match) throw new ServeError(400, 'bad_path', 'A proxy URL is /v1/proxy/<connector>/<connection>/<path>.');
    const connector = decodePart(match[1]!);
    const connection = decodePart(match[2]!);
    await authorizeConnection(request, caller, connector, connection);
    const checked = checkProxyPath(match[3] ?? '', match[4] ?? '');
    if (!checked.ok) throw new ServeError(400, 'bad_path', checked.reason);
    request.audit.path = checked.path;
    const open: OpenConnection = await options.connections.open(connector, connection);
    if (!proxyAllows(open.manifest.proxy?.allow, request.method, checked.path)) {
      throw new ServeError(403, 'forbidden', `The manifest of ${connector} does not allow ${request.method} ${checked.path} through the proxy.`);
    }
    const answer = await forwardRequest(open, { method: request.method, path: checked.path, query: checked.query, incoming: request.raw }, {
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      onRenewed: () => options.renewAhead.touch(connector, connection),
      onUpstream: (seconds) => options.metrics.upstream(seconds),
    });
    if (answer.upstreamStatus !== undefined) request.audit.upstreamStatus = answer.upstreamStatus;
    options.metrics.proxied(connector, answer.status, (performance.now() - started) / 1000);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  return app;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ServeError(400, 'bad_path', 'The proxy URL is not valid percent-encoding.');
  }
}

function sendError(reply: FastifyReply, error: ServeError): FastifyReply {
  return reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8').send({ error: error.code, message: error.message });
}

/** Any failure as one answer: ours as they are, a missing secret 503, a failed login 502, fastify's own 4xx, else 500. */
function toServeError(error: unknown, redactor: Redactor): ServeError {
  if (error instanceof ServeError) return error;
  const sentence = (message: string) => redactor.redact(message.split('\n')[0] ?? '');
  if (error instanceof MissingSecretError) return new ServeError(503, 'missing_secret', sentence(error.message));
  if (error instanceof AuthError) return new ServeError(502, 'upstream_auth', sentence(error.message));
  if (error instanceof ConnectorsError) return new ServeError(502, 'connection_failed', sentence(error.message));
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return new ServeError(status, code, sentence(error instanceof Error ? error.message : 'The request is not valid.'));
  }
  return new ServeError(500, 'internal', 'The request failed unexpectedly.');
}
