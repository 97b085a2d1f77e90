/**
 * The github_app scheme's options (schemas/auth/github_app.json), read from `ctx.options`.
 * `app_id` and `installation_id` are the scheme's own templates (`templatedOptions`): they are
 * rendered here with `config`, so an installation id nobody set is one sentence saying how to set
 * it, not a template error.
 */
import { AuthError, TemplateError } from '../../errors.js';
import type { AuthContext } from '../../plugin-api.js';
import { compileTemplate } from '../../templates/render.js';
import { toText } from '../../templates/filters.js';

/** The options of one github_app connection, rendered. */
export interface GithubAppOptions {
  /** The app JWT's `iss`: the app ID or the app's client ID. */
  appId: string;
  /** The installation's numeric id, as text. */
  installationId: string;
  /** The REST API root without a trailing slash, e.g. `https://api.github.com`. */
  apiUrl: string;
  /** `permissions` of the token request, when the manifest narrows them. */
  permissions?: Record<string, string>;
  /** `repositories` of the token request, when the manifest narrows them. */
  repositories?: string[];
}

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
export const DEFAULT_INSTALLATION_ID = '{{ config.installation_id }}';

/** The config key a template such as `{{ config.installation_id }}` reads, if it reads one. */
function configKeyOf(source: string): string | undefined {
  try {
    const reference = compileTemplate(source).references.find((r) => r.namespace === 'config');
    return reference?.path[0];
  } catch {
    return undefined;
  }
}

/** A literal or a config template rendered to text; `undefined` when the config value it reads is unset. */
function renderId(value: unknown, ctx: AuthContext, option: string): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  let rendered: unknown;
  try {
    rendered = compileTemplate(value, `${ctx.connector} auth.${option}`).renderValue({ config: ctx.config });
  } catch (error) {
    if (error instanceof TemplateError && error.code === 'ERR_TEMPLATE_MISSING') return undefined;
    throw error;
  }
  const text = toText(rendered).trim();
  return text === '' ? undefined : text;
}

/** `connectors config set ...` for the config key an option reads. */
function configSetCommand(ctx: AuthContext, key: string, value: string): string {
  const flag = ctx.connection === 'default' ? '' : ` --connection ${ctx.connection}`;
  return `connectors config set ${ctx.connector} ${key} ${value}${flag}`;
}

function missingInstallationId(ctx: AuthContext, source: string): AuthError {
  const key = configKeyOf(source);
  if (key === undefined) {
    return new AuthError(`The github_app scheme of ${ctx.connector} has no installation_id; set auth.installation_id in the manifest.`, { code: 'ERR_GITHUB_APP_INSTALLATION' });
  }
  return new AuthError(
    `The github_app connection ${ctx.connector} (${ctx.connection}) has no installation id; set it with \`${configSetCommand(ctx, key, 'VALUE')}\` (the number at the end of the installation's settings URL, .../settings/installations/<id>).`,
    { code: 'ERR_GITHUB_APP_INSTALLATION' },
  );
}

function missingAppId(ctx: AuthContext, source: string): AuthError {
  const key = configKeyOf(source);
  const how = key === undefined ? 'set auth.app_id in the manifest' : `set it with \`${configSetCommand(ctx, key, 'VALUE')}\``;
  return new AuthError(`The github_app connection ${ctx.connector} (${ctx.connection}) has no app ID; ${how} (the App ID on the GitHub App's settings page).`, {
    code: 'ERR_GITHUB_APP_ID',
  });
}

/**
 * Reads and renders the options. The schema applied the defaults; the fallbacks cover a host
 * that did not (a unit test passing `{ app_id }`).
 */
export function readGithubAppOptions(ctx: AuthContext): GithubAppOptions {
  const raw = ctx.options;
  const appIdSource = raw.app_id ?? '';
  const appId = renderId(appIdSource, ctx, 'app_id');
  if (appId === undefined) throw missingAppId(ctx, String(appIdSource));

  const installationSource = raw.installation_id ?? DEFAULT_INSTALLATION_ID;
  const installationId = renderId(installationSource, ctx, 'installation_id');
  if (installationId === undefined) throw missingInstallationId(ctx, String(installationSource));
  if (!/^[1-9]\d*$/.test(installationId)) {
    const key = typeof installationSource === 'string' ? configKeyOf(installationSource) : undefined;
    const fix = key === undefined ? 'fix auth.installation_id in the manifest' : `set it with \`${configSetCommand(ctx, key, 'VALUE')}\``;
    throw new AuthError(
      `The installation id of ${ctx.connector} (${ctx.connection}) is ${JSON.stringify(installationId.slice(0, 40))}, not a number; ${fix} (the number at the end of the installation's settings URL).`,
      { code: 'ERR_GITHUB_APP_INSTALLATION' },
    );
  }

  const apiUrl = (typeof raw.api_url === 'string' && raw.api_url.trim() !== '' ? raw.api_url.trim() : DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const options: GithubAppOptions = { appId, installationId, apiUrl };
  if (raw.permissions && typeof raw.permissions === 'object' && Object.keys(raw.permissions).length > 0) {
    options.permissions = Object.fromEntries(Object.entries(raw.permissions as Record<string, unknown>).map(([name, level]) => [name, toText(level)]));
  }
  if (Array.isArray(raw.repositories) && raw.repositories.length > 0) options.repositories = raw.repositories.map((name) => toText(name));
  return options;
}
