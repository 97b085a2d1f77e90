/**
 * got's `beforeRedirect` hook: credentials never leave the origin they were configured for.
 *
 * got itself drops `Authorization`, `Cookie` and URL credentials when a redirect changes host or
 * port. Schemes and templates put credentials elsewhere too (`X-API-Key`, `SO-AppToken`, a header
 * templated from `{{ secrets.* }}`, a query parameter), and a scheme or protocol change is another
 * origin as well. On a redirect to another origin (scheme, host or port) this hook removes every
 * header and query parameter that the scheme's `apply` or a session template set, and every one
 * whose value holds a known secret; a redirect that would resend a request body there is refused.
 */
import type { BeforeRedirectHook, NormalizedOptions as Options } from 'got';
import { HttpError } from '../errors.js';
import type { Redactor } from './redact.js';
import { getRequestState, type RequestState } from './hooks.js';

/** The redirect's target when it is another origin than the one the request was made for. */
function crossOriginTarget(options: Options, origin: string): URL | undefined {
  const target = options.url instanceof URL ? options.url : new URL(String(options.url));
  return target.origin !== origin ? target : undefined;
}

function hasBody(options: Options): boolean {
  return options.body !== undefined || options.json !== undefined || options.form !== undefined;
}

function holdsSecret(value: string, redactor: Redactor | undefined): boolean {
  return redactor !== undefined && redactor.redact(value) !== value;
}

/** The header names and query parameters (name and value) the previous `apply` set. */
function appliedByScheme(state: RequestState | undefined): { headers: Set<string>; params: URLSearchParams } {
  const headers = new Set<string>();
  const params = new URLSearchParams();
  const applied = state?.applied;
  if (!applied) return { headers, params };
  for (const [name, change] of applied.headers) if (change.applied !== undefined) headers.add(name);
  const before = new URL(applied.baseUrl).searchParams;
  for (const [name, value] of new URL(applied.url).searchParams) {
    if (!before.getAll(name).includes(value)) params.append(name, value);
  }
  return { headers, params };
}

/** Removes the credentials from the redirected request's headers and URL. */
function stripCredentials(options: Options, target: URL, state: RequestState | undefined, redactor: Redactor | undefined): void {
  const applied = appliedByScheme(state);
  for (const [name, value] of Object.entries(options.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    if (applied.headers.has(name.toLowerCase()) || holdsSecret(text, redactor)) delete options.headers[name];
  }
  const url = new URL(target.href);
  for (const [name, value] of [...url.searchParams]) {
    if (applied.params.getAll(name).includes(value) || holdsSecret(value, redactor)) url.searchParams.delete(name, value);
  }
  if (holdsSecret(url.username, redactor) || holdsSecret(url.password, redactor)) {
    url.username = '';
    url.password = '';
  }
  if (url.href !== target.href) options.url = url;
  // The next `apply` on this request starts from the request as it is now.
  if (state) state.applied = undefined;
}

/**
 * Creates the `beforeRedirect` hook.
 * @param redactor knows the connection's secrets; a header or parameter holding one is never sent elsewhere.
 */
export function createCrossOriginRedirectHook(redactor: Redactor | undefined): BeforeRedirectHook {
  return (options, response) => {
    const state = getRequestState(options);
    const from = state?.url ?? response.url;
    const target = crossOriginTarget(options, state?.origin ?? new URL(response.url).origin);
    if (target === undefined) return;
    if (hasBody(options) && options.method !== 'GET' && options.method !== 'HEAD') {
      const method = state?.method ?? options.method;
      const where = redactor ? redactor.redact(from) : from;
      throw new HttpError(
        `${method} ${where} was redirected (${response.statusCode}) to another origin, ${target.origin}, with its body; refusing to send the request there.`,
        { code: 'ERR_CROSS_ORIGIN_REDIRECT', status: response.statusCode, method, url: where },
      );
    }
    stripCredentials(options, target, state, redactor);
  };
}
