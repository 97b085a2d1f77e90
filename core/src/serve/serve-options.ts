/**
 * Where and how `connectors serve` listens (DESIGN.md section 9): flags first, then `serve:` of
 * connectors.config.yaml, then the defaults (127.0.0.1:8787). A non-loopback host without TLS is
 * refused unless `insecureHttp` (caller keys travel in headers).
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { UsageError } from '../errors.js';

export const DEFAULT_SERVE_HOST = '127.0.0.1';
export const DEFAULT_SERVE_PORT = 8787;
export const DEFAULT_UPSTREAM_TIMEOUT_SECONDS = 60;

/** What the command line says; unset values fall back to the project config. */
export interface ServeFlags {
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
}

/** The settled listening options. */
export interface ServeOptions {
  host: string;
  port: number;
  /** Both or neither; absolute paths. */
  tls?: { certFile: string; keyFile: string };
  upstreamTimeoutMs: number;
}

/** Merges flags over `serve:` and checks them; a bad combination is a `UsageError` (exit 2). */
export function resolveServeOptions(flags: ServeFlags, config: ProjectConfig | undefined, cwd: string): ServeOptions {
  const serve = config?.serve ?? {};
  const host = flags.host ?? serve.host ?? DEFAULT_SERVE_HOST;
  const port = flags.port ?? serve.port ?? DEFAULT_SERVE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`The port ${port} is not a TCP port (0 to 65535).`);
  const certFile = flags.tlsCert ? resolve(cwd, flags.tlsCert) : serve.tls_cert && config ? resolve(config.dir, serve.tls_cert) : undefined;
  const keyFile = flags.tlsKey ? resolve(cwd, flags.tlsKey) : serve.tls_key && config ? resolve(config.dir, serve.tls_key) : undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('TLS needs both a certificate and a key (--tls-cert and --tls-key).');
  }
  if (!certFile && !isLoopbackHost(host) && !flags.insecureHttp) {
    throw new UsageError(`Refusing to serve on ${host} without TLS: caller keys would cross the network in clear text; pass --tls-cert and --tls-key, or --insecure-http.`);
  }
  return {
    host,
    port,
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    upstreamTimeoutMs: (serve.upstream_timeout ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS) * 1000,
  };
}

/** `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}
