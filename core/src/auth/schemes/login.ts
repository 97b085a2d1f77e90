/**
 * The `login` scheme (DESIGN.md section 12): the generic two-step login. One request, templated
 * with the connection's secrets and config, answers with a token; requests then carry it as
 * `apply` says (default `Authorization: Bearer {{ session.token }}`). With `refresh` and a refresh
 * token in the answer, renewal refreshes first and logs in again when the refresh is refused.
 * With `assertion`, a JWT is signed before each login and read as `{{ session.assertion }}`.
 */
import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type OutgoingRequest, type Session } from '../../plugin-api.js';
import { readLoginOptions, type LoginOptions, type LoginRequestTemplate, type LoginResponsePaths } from '../login/login-options.js';
import { readLoginResponse, type LoginTokens } from '../login/read-login-response.js';
import { buildLoginRequest, sendLoginRequest, type LoginStep } from '../login/send-login-request.js';
import { signLoginAssertion } from '../login/sign-login-assertion.js';
import { toText } from '../../templates/filters.js';
import { renderSchemeTemplates, type SchemeTemplateValues } from '../render-scheme-templates.js';

/** The session of a login answer: the token (and refresh token) as secrets, the values as `auth.*`. */
export function toLoginSession(tokens: LoginTokens, issuedAt: Date): Session {
  const session: Session = { secrets: { login_token: tokens.token }, issuedAt, values: tokens.values };
  if (tokens.refreshToken) session.secrets.login_refresh_token = tokens.refreshToken;
  if (tokens.expiresAt) session.expiresAt = tokens.expiresAt;
  return session;
}

/** `{{ session.* }}` of a session. */
function sessionValues(session: Session | undefined): Record<string, string> {
  if (!session) return {};
  const values: Record<string, string> = {};
  if (session.secrets.login_token) values.token = session.secrets.login_token;
  if (session.secrets.login_refresh_token) values.refresh_token = session.secrets.login_refresh_token;
  return values;
}

async function exchange(
  ctx: AuthContext,
  options: LoginOptions,
  step: LoginStep,
  template: LoginRequestTemplate,
  paths: LoginResponsePaths,
  previous?: Session,
): Promise<Session> {
  const session: Record<string, string> = sessionValues(previous);
  if (options.assertion) {
    const assertion = renderSchemeTemplates(options.assertion, { config: ctx.config, secrets: ctx.secrets }, `${ctx.connector} auth.assertion`);
    session.assertion = await signLoginAssertion(assertion, ctx.now(), ctx.connector);
  }
  const values: SchemeTemplateValues = { config: ctx.config, secrets: ctx.secrets, session };
  const origin = `${ctx.connector} auth.${step === 'login' ? 'request' : 'refresh.request'}`;
  const request = buildLoginRequest(template, values, origin);
  const response = await sendLoginRequest(ctx, request, step);
  const now = ctx.now();
  const readOptions = { now, expiresInUnit: options.expires_in_unit, step, ...(options.token_lifetime === undefined ? {} : { tokenLifetime: options.token_lifetime }) };
  const tokens = readLoginResponse(response, paths, readOptions);
  // A refresh answer without a new refresh token keeps the one it was sent with.
  if (step === 'refresh' && !tokens.refreshToken && previous?.secrets.login_refresh_token) tokens.refreshToken = previous.secrets.login_refresh_token;
  return toLoginSession(tokens, now);
}

/** First login and renewal: refresh when the options and the session allow it, else log in. */
export async function authenticateLogin(ctx: AuthContext, previous?: Session): Promise<Session> {
  const options = readLoginOptions(ctx.options);
  if (options.refresh && previous?.secrets.login_refresh_token) {
    try {
      return await exchange(ctx, options, 'refresh', options.refresh.request, options.refresh.response ?? options.response, previous);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      ctx.log.warn(`${error.message.replace(/; the scheme logs in again\.$/, '.')} Logging in again.`);
    }
  }
  return exchange(ctx, options, 'login', options.request, options.response);
}

/** Puts the token on a request as `apply` says; an entry that renders empty is left out. */
export function applyLoginSession(request: OutgoingRequest, session: Session, ctx: AuthContext): void {
  const options = readLoginOptions(ctx.options);
  const values: SchemeTemplateValues = {
    config: ctx.config,
    secrets: { ...ctx.secrets, ...session.secrets },
    session: sessionValues(session),
    auth: session.values ?? {},
  };
  const rendered = renderSchemeTemplates(options.apply, values, `${ctx.connector} auth.apply`);
  // A template that is one expression renders the value itself (a number); headers are text.
  for (const [name, value] of Object.entries(rendered.headers ?? {})) if (toText(value) !== '') request.headers[name] = toText(value);
  for (const [name, value] of Object.entries(rendered.query ?? {})) if (toText(value) !== '') request.url.searchParams.set(name, toText(value));
}

/** A two-step login: a templated request whose answer holds the token. */
export const loginScheme = defineAuthScheme({
  name: 'login',
  apiVersion: 1,
  description:
    'A two-step login: a templated request (secrets and config; GET, POST or PUT; form, JSON or XML) answers with a token that requests carry as apply says (default Authorization: Bearer).',
  options: loadSchema('auth/login.json'),
  requiredSecrets: [],
  injectedSecrets: [{ name: 'login_token' }, { name: 'login_refresh_token' }],
  templatedOptions: {
    request: ['config', 'secrets', 'session'],
    assertion: ['config', 'secrets'],
    refresh: ['config', 'secrets', 'session'],
    apply: ['config', 'secrets', 'session', 'auth'],
  },
  authenticate: authenticateLogin,
  apply: applyLoginSession,
});
