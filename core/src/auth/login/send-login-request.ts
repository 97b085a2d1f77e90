/**
 * A login (or refresh) request of the login scheme: its templates rendered with the connection's
 * secrets, config and (for a refresh) the session, sent through the scheme's HTTP client.
 */
import { AuthError } from '../../errors.js';
import type { AuthContext, HttpRequestOptions, HttpResponse } from '../../plugin-api.js';
import { toText } from '../../templates/filters.js';
import { renderSchemeTemplates, type SchemeTemplateValues } from '../render-scheme-templates.js';
import type { LoginRequestTemplate } from './login-options.js';

/** Which request this is; it picks the words of an error. */
export type LoginStep = 'login' | 'refresh';

/** Entries whose value rendered empty are left out: an unset optional value sends nothing. */
function withoutEmpty(values: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, toText(value)] as const).filter(([, value]) => value !== ''));
}

/** The request options of a rendered login request. */
export function buildLoginRequest(template: LoginRequestTemplate, values: SchemeTemplateValues, origin: string): HttpRequestOptions {
  const rendered = renderSchemeTemplates(template, values, origin);
  rendered.url = toText(rendered.url);
  const request: HttpRequestOptions = {
    method: rendered.method ?? 'POST',
    url: rendered.url,
    headers: { accept: 'application/json', ...withoutEmpty(rendered.headers) },
    throwHttpErrors: false,
  };
  const query = withoutEmpty(rendered.query);
  if (query && Object.keys(query).length) request.searchParams = query;
  if (rendered.form) request.form = Object.fromEntries(Object.entries(rendered.form).map(([name, value]) => [name, toText(value)]));
  else if (rendered.json !== undefined) request.json = rendered.json;
  else if (rendered.xml !== undefined) {
    request.body = rendered.xml;
    const headers = request.headers ?? {};
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/xml';
    request.headers = headers;
  }
  return request;
}

function describeUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url));
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return String(url);
  }
}

/** The provider's own words from an error body, when it has any. */
function readProviderMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const record = parsed as Record<string, unknown>;
    for (const key of ['error_description', 'message', 'Message', 'error', 'title', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 200);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Sends the rendered request. A URL that does not parse, or an answer outside 2xx, is an
 * {@link AuthError} naming the endpoint and what to check.
 */
export async function sendLoginRequest(ctx: AuthContext, request: HttpRequestOptions, step: LoginStep): Promise<HttpResponse> {
  try {
    new URL(String(request.url));
  } catch {
    throw new AuthError(`The login scheme's ${step} URL "${String(request.url)}" of ${ctx.connector} is not a URL once rendered; check auth.${step === 'login' ? 'request' : 'refresh.request'}.url.`);
  }
  const response = await ctx.http.request(request);
  if (response.status >= 200 && response.status <= 299) return response;
  const said = readProviderMessage(response.body);
  const where = describeUrl(request.url);
  const todo =
    step === 'login'
      ? `check the secrets it sends (connectors secrets list ${ctx.connector})`
      : 'the scheme logs in again';
  throw new AuthError(`The ${step} at ${where} was refused (status ${response.status}${said ? `: ${said}` : ''}); ${todo}.`, {
    status: response.status,
  });
}
