/**
 * The loopback redirect listener of `connectors auth login` (RFC 8252 7.3): a node:http server on
 * 127.0.0.1 that receives the authorization callback on `/callback`, answers the browser with a
 * short page, refuses a mismatched `state` with 400 and gives up after a timeout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from '../../errors.js';

/** The callback path of the redirect URI. */
export const CALLBACK_PATH = '/callback';
/** How long to wait for the browser by default (DESIGN.md section 8 "auth login"). */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 300_000;

export interface LoopbackOptions {
  /** 0 (default) lets the system pick a free port. */
  port?: number;
  /** Milliseconds to wait for the callback; default 300 s. */
  timeoutMs?: number;
}

/** A started listener. */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string;
  /**
   * Resolves with the callback's query once a callback with `expectedState` arrives; rejects with
   * an {@link AuthError} on a mismatched state, an `error` answer, or the timeout. Closes the
   * listener either way.
   */
  waitForCallback(expectedState: string): Promise<URLSearchParams>;
  /** Stops listening (safe to call twice). */
  close(): Promise<void>;
}

function answer(response: ServerResponse, status: number, title: string, text: string): void {
  const page = `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>`;
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts listening on 127.0.0.1 and returns the redirect URI to register with the request. */
export async function startLoopbackListener(options: LoopbackOptions = {}): Promise<LoopbackListener> {
  let settle: ((outcome: { params?: URLSearchParams; error?: Error }) => void) | undefined;
  let expected: string | undefined;
  let pending: { params?: URLSearchParams; error?: Error } | undefined;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH) {
      answer(response, 404, 'Not found', 'This address only takes the login callback.');
      return;
    }
    const params = url.searchParams;
    let outcome: { params?: URLSearchParams; error?: Error };
    if (expected === undefined || params.get('state') !== expected) {
      answer(response, 400, 'Login refused', 'The login answer does not belong to this login (state mismatch). Start the login again.');
      outcome = { error: new AuthError('The login callback carried a state that does not match; the code was not used.') };
    } else if (params.get('error')) {
      const error = params.get('error') ?? '';
      const description = params.get('error_description') ?? undefined;
      answer(response, 400, 'Login failed', `The provider refused the login: ${escapeHtml(error)}. You can close this window.`);
      outcome = {
        error: new AuthError(`The provider refused the login: ${error}${description ? ` (${description})` : ''}.`, {
          providerError: error,
          providerErrorDescription: description,
        }),
      };
    } else {
      answer(response, 200, 'Logged in', 'Login complete. You can close this window and return to the terminal.');
      outcome = { params };
    }
    if (settle) settle(outcome);
    else pending ??= outcome;
  });

  const requestedPort = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        const why = error.code === 'EADDRINUSE' ? 'is in use' : 'may not be used by this user';
        reject(new AuthError(`Cannot listen for the login callback: port ${requestedPort} on 127.0.0.1 ${why}.`, {
          hint: 'Pick another one with --port, or --port 0 for any free port (register that redirect URI with the provider).',
        }));
      } else {
        reject(error);
      }
    });
    server.listen(requestedPort, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
    return closed;
  };

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    close,
    waitForCallback(expectedState: string): Promise<URLSearchParams> {
      expected = expectedState;
      const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
      return new Promise<URLSearchParams>((resolve, reject) => {
        const timer = setTimeout(() => {
          settle?.({ error: new AuthError(`No login callback arrived within ${Math.round(timeoutMs / 1000)} s.`) });
        }, timeoutMs);
        settle = (outcome) => {
          settle = () => {};
          clearTimeout(timer);
          // Let the browser's answer go out before the server closes.
          setImmediate(() => void close());
          if (outcome.error) reject(outcome.error);
          else resolve(outcome.params!);
        };
        if (pending) settle(pending);
      });
    },
  };
}
