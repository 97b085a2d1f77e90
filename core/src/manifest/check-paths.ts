/**
 * Dot paths in a manifest (DESIGN.md section 8 "Record paths"): `records`, `cursor_path`,
 * `next_url_path`, `incremental.cursor_field`, the jwt and login schemes' `response` paths and
 * the oauth2 scheme's `token_response` and `token_values` paths must parse the
 * way a run parses them, so `validate` refuses `paging.next.`, `["x`, `.` and `a..b`.
 */
import { ManifestError } from '../errors.js';
import type { PathSegment } from '../schema/json-path.js';
import { parsePath } from '../streams/records.js';
import type { Report } from './report.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Why `path` does not parse as a dot path, or undefined when it does. */
export function describeDotPathError(path: string): string | undefined {
  try {
    parsePath(path);
    return undefined;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return error.message.replace(/\.$/, '').replace(/^The path /, 'the dot path ');
  }
}

/** Reports every dot path of the manifest that does not parse. */
export function checkPaths(manifest: Obj, report: Report): void {
  const check = (value: unknown, segments: PathSegment[]): void => {
    if (typeof value !== 'string' || value === '') return;
    const why = describeDotPathError(value);
    if (why) report(segments, why);
  };
  if (Array.isArray(manifest.streams)) {
    manifest.streams.forEach((stream, i) => {
      if (!isObject(stream)) return;
      check(stream.records, ['streams', i, 'records']);
      if (isObject(stream.pagination)) {
        check(stream.pagination.cursor_path, ['streams', i, 'pagination', 'cursor_path']);
        check(stream.pagination.next_url_path, ['streams', i, 'pagination', 'next_url_path']);
      }
      if (isObject(stream.incremental)) check(stream.incremental.cursor_field, ['streams', i, 'incremental', 'cursor_field']);
    });
  }
  const auth = manifest.auth;
  if (isObject(auth) && auth.scheme === 'jwt' && isObject(auth.response)) {
    for (const [key, value] of Object.entries(auth.response)) check(value, ['auth', 'response', key]);
  }
  if (isObject(auth) && auth.scheme === 'login') {
    // `""` (the whole body) and `headers.<name>` are not dot paths into the body.
    const checkAnswer = (value: unknown, segments: PathSegment[]): void => {
      if (typeof value === 'string' && !value.startsWith('headers.')) check(value, segments);
    };
    const checkResponse = (response: unknown, segments: PathSegment[]): void => {
      if (!isObject(response)) return;
      for (const key of ['token', 'expires_in', 'expires_at', 'refresh_token']) checkAnswer(response[key], [...segments, key]);
      if (isObject(response.values)) for (const [name, value] of Object.entries(response.values)) checkAnswer(value, [...segments, 'values', name]);
    };
    checkResponse(auth.response, ['auth', 'response']);
    if (isObject(auth.refresh)) checkResponse(auth.refresh.response, ['auth', 'refresh', 'response']);
  }
  if (isObject(auth) && auth.scheme === 'oauth2') {
    for (const option of ['token_response', 'token_values']) {
      const paths = auth[option];
      if (isObject(paths)) for (const [key, value] of Object.entries(paths)) check(value, ['auth', option, key]);
    }
  }
}
