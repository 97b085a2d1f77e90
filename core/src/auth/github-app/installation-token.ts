/**
 * The installation access token ("Create an installation access token for an app"):
 * `POST <api_url>/app/installations/<installation_id>/access_tokens` with the app JWT as bearer,
 * answered `201 { token, expires_at }` (an hour). {@link installationTokenRequest} builds the
 * request, {@link processInstallationTokenResponse} checks the answer; each stands alone.
 */
import { AuthError } from '../../errors.js';
import type { HttpRequestOptions, HttpResponse } from '../../plugin-api.js';
import type { GithubAppOptions } from './github-app-options.js';

/** The REST API version the request asks for. */
export const GITHUB_API_VERSION = '2022-11-28';
/** An installation token's documented lifetime, used when an answer carries no `expires_at`. */
export const INSTALLATION_TOKEN_LIFETIME_SECONDS = 3600;

/** The URL of the token request. */
export function installationTokenUrl(options: Pick<GithubAppOptions, 'apiUrl' | 'installationId'>): string {
  return `${options.apiUrl}/app/installations/${encodeURIComponent(options.installationId)}/access_tokens`;
}

/**
 * The token request: GitHub's JSON media type and API version, the app JWT as bearer, and a JSON
 * body with `permissions` and `repositories` only when the manifest narrows the token.
 */
export function installationTokenRequest(options: GithubAppOptions, appJwt: string): HttpRequestOptions {
  const request: HttpRequestOptions = {
    method: 'POST',
    url: installationTokenUrl(options),
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': GITHUB_API_VERSION,
      authorization: `Bearer ${appJwt}`,
    },
    throwHttpErrors: false,
  };
  const body: Record<string, unknown> = {};
  if (options.permissions) body.permissions = options.permissions;
  if (options.repositories) body.repositories = options.repositories;
  if (Object.keys(body).length > 0) request.json = body;
  return request;
}

/** An installation token and when it expires. */
export interface InstallationToken {
  token: string;
  expiresAt: Date;
  /** `all` or `selected`, as GitHub says. */
  repositorySelection?: string;
}

/** Which connection the answer is for, to word its errors. */
export interface InstallationTokenStep {
  connector: string;
  connection: string;
  options: GithubAppOptions;
}

function parseBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

/** GitHub's `message`, one line and short; GitHub's error bodies hold no credentials. */
function messageOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const message = (body as Record<string, unknown>).message;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  const line = message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function rejection(response: HttpResponse, body: unknown, step: InstallationTokenStep): AuthError {
  const { connector, connection, options } = step;
  const status = response.status;
  const said = messageOf(body);
  const answered = `${status}${said ? `: ${said}` : ''}`;
  const flag = connection === 'default' ? '' : ` --connection ${connection}`;
  let message: string;
  if (status === 401) {
    message = `GitHub refused the app JWT of ${connector} (${answered}); the app ID or key is wrong: check auth.app_id (${options.appId}) and that the private_key secret is that app's private key.`;
  } else if (status === 404) {
    message = `GitHub found no installation ${options.installationId} of app ${options.appId} for ${connector} (${answered}); check the installation id (\`connectors config set ${connector} installation_id VALUE${flag}\`) and auth.app_id.`;
  } else if (status === 403 || status === 422) {
    const narrowed = options.permissions || options.repositories ? '; check auth.permissions and auth.repositories against what the installation was granted' : '';
    message = `GitHub refused an installation token for installation ${options.installationId} of ${connector} (${answered})${narrowed}.`;
  } else {
    message = `GitHub's installation token request for ${connector} answered ${answered}.`;
  }
  return new AuthError(message, { status, code: 'ERR_GITHUB_APP_TOKEN' });
}

/**
 * Checks the answer: a status outside 2xx is an {@link AuthError} saying what to fix (401: the app
 * id or key; 404: the installation); a 2xx must hold `token`, and `expires_at` when present must
 * be an ISO-8601 time. Without `expires_at` the token lasts the documented hour from `now`.
 */
export function processInstallationTokenResponse(response: HttpResponse, now: Date, step: InstallationTokenStep): InstallationToken {
  const body = parseBody(response);
  if (response.status < 200 || response.status > 299) throw rejection(response, body, step);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AuthError(`GitHub's installation token answer for ${step.connector} is not a JSON object; check auth.api_url (${step.options.apiUrl}).`, {
      status: response.status,
      code: 'ERR_GITHUB_APP_TOKEN',
    });
  }
  const record = body as Record<string, unknown>;
  if (typeof record.token !== 'string' || record.token === '') {
    throw new AuthError(`GitHub's installation token answer for ${step.connector} has no \`token\`; check auth.api_url (${step.options.apiUrl}).`, {
      status: response.status,
      code: 'ERR_GITHUB_APP_TOKEN',
    });
  }
  let expiresAt = new Date(now.getTime() + INSTALLATION_TOKEN_LIFETIME_SECONDS * 1000);
  if (record.expires_at !== undefined && record.expires_at !== null) {
    const parsed = typeof record.expires_at === 'string' ? new Date(record.expires_at) : new Date(NaN);
    if (Number.isNaN(parsed.getTime())) {
      throw new AuthError(`GitHub's installation token answer for ${step.connector} has an \`expires_at\` that is not an ISO-8601 time.`, {
        status: response.status,
        code: 'ERR_GITHUB_APP_TOKEN',
      });
    }
    expiresAt = parsed;
  }
  const token: InstallationToken = { token: record.token, expiresAt };
  if (typeof record.repository_selection === 'string') token.repositorySelection = record.repository_selection;
  return token;
}
