/** The login scheme's options (schemas/auth/login.json), as the scheme reads them. */
import type { LoginAssertion } from './sign-login-assertion.js';

/** One login or refresh request, as written: its strings are templates. */
export interface LoginRequestTemplate {
  method?: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  xml?: string;
}

/** Where an answer holds the token: dot paths, `""` (the whole body) or `headers.<name>`. */
export interface LoginResponsePaths {
  token?: string;
  expires_in?: string;
  expires_at?: string;
  refresh_token?: string;
  values?: Record<string, string>;
}

/** How requests carry the token, as written (templates). */
export interface LoginApplyTemplate {
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface LoginOptions {
  request: LoginRequestTemplate;
  /** A JWT signed before each login (`{{ session.assertion }}`), as written. */
  assertion?: LoginAssertion;
  response: LoginResponsePaths;
  refresh?: { request: LoginRequestTemplate; response?: LoginResponsePaths };
  apply: LoginApplyTemplate;
  expires_in_unit: 's' | 'ms';
  token_lifetime?: number;
}

/** The default `apply`: the token as a Bearer credential. */
export const DEFAULT_LOGIN_APPLY: LoginApplyTemplate = { headers: { Authorization: 'Bearer {{ session.token }}' } };

/** `ctx.options` with the defaults a host that skipped the schema would miss. */
export function readLoginOptions(options: Record<string, unknown>): LoginOptions {
  const given = options as Partial<LoginOptions>;
  return {
    ...given,
    request: given.request ?? { url: '' },
    response: given.response ?? {},
    apply: given.apply ?? DEFAULT_LOGIN_APPLY,
    expires_in_unit: given.expires_in_unit ?? 's',
  };
}
