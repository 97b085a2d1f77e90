/**
 * `connectors serve` as a library call (DESIGN.md section 9): opens the project's store, starts
 * renewal ahead of time, builds the app and listens. {@link ServeHandle.close} stops accepting,
 * lets requests in flight finish (up to 10 s), stops the renewals (releasing their locks) and
 * returns.
 */
import { readFile } from 'node:fs/promises';
import { REDACTOR, SECRET_STORE } from '../container.js';
import { ConnectorsError } from '../errors.js';
import type { Redactor } from '../http/redact.js';
import type { Logger } from '../plugin-api.js';
import type { Project } from '../runtime/open-project.js';
import type { SecretStore } from '../secrets/store.js';
import { createServeApp } from './app.js';
import { createAuditLog } from './audit.js';
import { createCallerAuthenticator } from './callers.js';
import { createServeMetrics } from './metrics.js';
import { RenewAhead } from './renew-ahead.js';
import { ServedConnections } from './served-connections.js';
import type { ServeOptions } from './serve-options.js';

/** How long {@link ServeHandle.close} waits for requests in flight. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** A running service. */
export interface ServeHandle {
  /** `http://host:port` or `https://...`, the port as bound (useful with port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartServeOptions extends ServeOptions {
  /** Audit lines go here; default stderr. */
  writeAudit?: (line: string) => void;
  log?: Logger;
}

/** Starts the service; a port in use is one sentence naming it (exit 1). */
export async function startServe(project: Project, options: StartServeOptions): Promise<ServeHandle> {
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  const redactor = project.container.resolve<Redactor>(REDACTOR);
  const callers = createCallerAuthenticator({ store, oidcCallers: project.config?.serve?.oidc_callers, log: options.log });
  const https = options.tls ? { cert: await readTlsFile(options.tls.certFile), key: await readTlsFile(options.tls.keyFile) } : undefined;
  const renewAhead = new RenewAhead({ project, ...(options.log ? { log: options.log } : {}) });
  const audit = createAuditLog({ write: options.writeAudit, redactor });
  const metrics = createServeMetrics();
  renewAhead.onRenewal((event) => {
    audit.renewal(event);
    metrics.renewal(event);
  });
  await renewAhead.start();
  const app = createServeApp({
    callers,
    connections: new ServedConnections(project, renewAhead),
    renewAhead,
    store,
    audit,
    metrics,
    redactor,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    ...(https ? { https } : {}),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await renewAhead.stop();
    throw listenError(error, options);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${https ? 'https' : 'http'}://${host}:${port}`,
    port,
    async close() {
      let timer: NodeJS.Timeout | undefined;
      // A keep-alive socket whose request ended would hold close() until the drain timeout.
      const idle = setInterval(() => app.server.closeIdleConnections?.(), 50);
      const drained = app.close();
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          app.server.closeAllConnections?.();
          resolve();
        }, DRAIN_TIMEOUT_MS);
        timer.unref();
      });
      await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      clearInterval(idle);
      await renewAhead.stop();
      audit.flush();
    },
  };
}

async function readTlsFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch {
    throw new ConnectorsError(`Cannot read the TLS file ${file}.`, { code: 'ERR_TLS_FILE' });
  }
}

function listenError(error: unknown, options: ServeOptions): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') return new ConnectorsError(`The port ${options.port} on ${options.host} is already in use.`, { code: 'ERR_PORT_IN_USE' });
  if (code === 'EACCES') return new ConnectorsError(`Not allowed to listen on port ${options.port} of ${options.host}.`, { code: 'ERR_PORT_DENIED' });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new ConnectorsError(`Cannot listen on ${options.host}: no such local address.`, { code: 'ERR_HOST' });
  if (error instanceof Error && /key|cert|PEM/i.test(error.message)) return new ConnectorsError('The TLS certificate or key is not valid PEM, or they do not match.', { code: 'ERR_TLS_FILE' });
  return error instanceof Error ? error : new Error(String(error));
}
