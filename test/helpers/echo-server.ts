/**
 * A tiny resource server that records what each request carried (method, path, query, headers)
 * and answers with a status the test picks (`state.status`, default 200) and a JSON body
 * (`state.body`, default `{ok: true}`; a function gets the request). For checking what a scheme
 * applied: the header, query parameter or cookie a credential went into.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface EchoState {
  status: number;
  body: unknown | ((request: RecordedRequest) => unknown);
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /** Extra response headers; a function gets the request's 1-based number (e.g. a new Set-Cookie each time). */
  headers: Record<string, string> | ((n: number) => Record<string, string>);
  requests: RecordedRequest[];
}

export interface EchoServer {
  url: string;
  state: EchoState;
  close(): Promise<void>;
}

export async function startEchoServer(initial: Partial<EchoState> = {}): Promise<EchoServer> {
  const state: EchoState = { status: 200, body: { ok: true }, delayMs: 0, headers: {}, requests: [], ...initial };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    };
    state.requests.push(recorded);
    const number = state.requests.length;
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        const body = typeof state.body === 'function' ? (state.body as (r: RecordedRequest) => unknown)(recorded) : state.body;
        const extra = typeof state.headers === 'function' ? state.headers(number) : state.headers;
        res.writeHead(state.status, { 'content-type': 'application/json', ...extra });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A one-stream manifest whose auth block is `auth` (YAML lines under `auth:`), checked with `GET /ping`. */
export function simpleManifest(name: string, auth: string, options: { check?: boolean; extra?: string } = {}): string {
  return `apiVersion: connectors/v1
name: ${name}
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth:
${auth.trim().split('\n').map((line) => `  ${line.trim()}`).join('\n')}
base_url: "{{ config.base_url }}"
headers: {Accept: application/json}
${options.check === false ? '' : 'check: {path: /ping, params: {probe: "1"}}\n'}${options.extra ?? ''}streams:
  - name: things
    path: /things
`;
}
