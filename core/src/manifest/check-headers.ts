/**
 * Header names in a manifest (`headers` at the top, on `check` and on each stream) must be HTTP
 * tokens (RFC 9110 section 5.6.2): a NUL byte, a space or a colon in a name makes Node refuse
 * the request at run time, so `validate` refuses it first.
 */
import type { PathSegment } from '../schema/json-path.js';
import type { Report } from './report.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 9110 `token`: the characters a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when `name` is a valid HTTP header name. */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Auth options that name a header when their `in` option says `header`: [in key, name key, default in]. */
const AUTH_HEADER_NAMES: Readonly<Record<string, ReadonlyArray<readonly [string, string, string]>>> = {
  api_key: [['in', 'name', 'header']],
  jwt: [
    ['api_key_in', 'api_key_name', 'body'],
    ['refresh_token_in', 'refresh_token_name', 'body'],
  ],
};

/** Reports every header name of the manifest that is not an HTTP token. */
export function checkHeaders(manifest: Obj, report: Report): void {
  const check = (headers: unknown, segments: PathSegment[]): void => {
    if (!isObject(headers)) return;
    for (const name of Object.keys(headers)) {
      if (isHeaderName(name)) continue;
      report([...segments, name], `header name ${JSON.stringify(name)} is not valid; use letters, digits and !#$%&'*+-.^_\`|~ only`, { target: 'key' });
    }
  };
  check(manifest.headers, ['headers']);
  const auth = manifest.auth;
  if (isObject(auth) && typeof auth.scheme === 'string') {
    for (const [inKey, nameKey, fallback] of AUTH_HEADER_NAMES[auth.scheme] ?? []) {
      const name = auth[nameKey];
      if ((auth[inKey] ?? fallback) !== 'header' || typeof name !== 'string' || name === '' || isHeaderName(name)) continue;
      report(['auth', nameKey], `header name ${JSON.stringify(name)} is not valid; use letters, digits and !#$%&'*+-.^_\`|~ only`);
    }
  }
  if (isObject(manifest.check)) check(manifest.check.headers, ['check', 'headers']);
  if (Array.isArray(manifest.streams)) {
    manifest.streams.forEach((stream, i) => {
      if (isObject(stream)) check(stream.headers, ['streams', i, 'headers']);
    });
  }
}
