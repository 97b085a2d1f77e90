// @ts-check
/**
 * One provider of Nango's providers.yaml (`@nangohq/providers`) as a connector manifest of this
 * runtime, and what the manifest cannot say (issue 12's measure). A provider counts as expressed
 * only when nothing that changes a request or a login is lost; display fields (docs, categories,
 * setup guides, webhooks, post-connection scripts, retry and verification hints) are not auth.
 */

/** Fields that describe a provider but change no request or login. */
const DESCRIPTIVE = new Set([
  'display_name', 'categories', 'docs', 'docs_connect', 'setup_guide_url', 'auth_mode', 'alias',
  'webhook_routing_script', 'webhook_user_defined_secret', 'webhook_allowed_query_params', 'webhook_response_metadata',
  'post_connection_script', 'pre_connection_deletion_script', 'credentials_verification_script',
  'authorization_code_param_in_webhook', 'redirect_uri_metadata', 'installation',
]);
/** `proxy` keys that are not auth. */
const PROXY_DESCRIPTIVE = new Set(['base_url', 'headers', 'query', 'retry', 'verification', 'paginate', 'decompress', 'connection_config']);

/** `${connectionConfig.x}` -> `{{ config.x }}`; other `${...}` are reported by the caller. */
function templateOf(text, lost, where) {
  let out = String(text);
  if (out.includes('||')) lost.add(`fallback template (${where})`);
  out = out.replace(/\$\{connectionConfig\.([A-Za-z0-9_]+)\}/g, (_, name) => `{{ config.${name} }}`);
  return out;
}

function hasCredentialRef(text) {
  return /\$\{(credentials|apiKey|accessToken|username|password)[^}]*\}/.test(String(text));
}

/** The manifest's config schema from `connection_config`. */
function configOf(provider) {
  const properties = {};
  for (const [name, spec] of Object.entries(provider.connection_config ?? {})) {
    const property = { type: spec.type === 'number' || spec.type === 'boolean' ? spec.type : 'string' };
    if (spec.description) property.description = String(spec.description).slice(0, 200);
    if (Array.isArray(spec.enum)) property.enum = spec.enum.map(String);
    if (spec.default_value !== undefined && spec.default_value !== '') property.default = String(spec.default_value);
    properties[name] = property;
  }
  return Object.keys(properties).length ? { type: 'object', properties } : undefined;
}

/** The headers of `proxy.headers` that carry no credential, templated with config. */
function plainHeaders(provider, lost) {
  const headers = {};
  for (const [name, value] of Object.entries(provider.proxy?.headers ?? {})) {
    if (hasCredentialRef(value)) continue;
    headers[name] = templateOf(value, lost, `header ${name}`);
  }
  return headers;
}

function oauth2Auth(provider, lost, clientCredentials) {
  const auth = { scheme: 'oauth2', grant_type: clientCredentials ? 'client_credentials' : 'authorization_code' };
  if (typeof provider.token_url !== 'string') lost.add('token_url per grant');
  else auth.token_url = templateOf(provider.token_url, lost, 'token_url');
  if (!clientCredentials) {
    if (typeof provider.authorization_url === 'string') auth.authorize_url = templateOf(provider.authorization_url, lost, 'authorization_url');
    const extra = Object.entries(provider.authorization_params ?? {}).filter(([k, v]) => !(k === 'response_type' && v === 'code'));
    if (extra.some(([k]) => k === 'prompt')) auth.prompt = String(provider.authorization_params.prompt);
    if (extra.some(([k]) => k !== 'prompt')) lost.add('extra authorize-URL parameters');
    if (provider.disable_pkce) auth.pkce = false;
  }
  const expectedGrant = clientCredentials ? 'client_credentials' : 'authorization_code';
  const tokenParams = Object.fromEntries(Object.entries(provider.token_params ?? {}).filter(([k, v]) => !(k === 'grant_type' && v === expectedGrant)));
  if (Object.values(tokenParams).some((v) => hasCredentialRef(v))) lost.add('token parameter from a secret');
  if (Object.keys(tokenParams).length) auth.token_params = Object.fromEntries(Object.entries(tokenParams).map(([k, v]) => [k, templateOf(v, lost, `token param ${k}`)]));
  const refreshExtra = Object.entries(provider.refresh_params ?? {}).filter(([k, v]) => !(k === 'grant_type' && v === 'refresh_token'));
  if (refreshExtra.length) lost.add('extra refresh parameters');
  if (provider.scope_separator && provider.scope_separator !== ' ') lost.add('scope separator other than a space');
  if (Array.isArray(provider.default_scopes) && provider.default_scopes.length) auth.scopes = provider.default_scopes.map(String);
  if (provider.token_request_auth_method === 'basic') auth.client_auth = 'client_secret_basic';
  else if (provider.token_request_auth_method) lost.add(`token endpoint auth ${provider.token_request_auth_method}`);
  else auth.client_auth = 'client_secret_post';
  if (provider.body_format === 'json') lost.add('JSON token request');
  if (provider.token_response_metadata?.length) lost.add('values from the token response');
  if (provider.refresh_url) lost.add('separate refresh_url');
  if (provider.authorization_method && provider.authorization_method !== 'header') lost.add(`token request authorization ${provider.authorization_method}`);
  if (provider.token_headers) lost.add('token request headers');
  if (provider.alternate_access_token_response_path || provider.auth) lost.add('non-standard token response');
  if (provider.authorization_url_replacements || provider.authorization_url_fragment || provider.authorization_url_skip_encode || provider.authorization_url_skip_empty) lost.add('authorize-URL rewriting');
  if (provider.require_client_certificate) lost.add('mutual TLS');
  if (provider.token_expiration_buffer || provider.expires_in_unit || provider.token_expires_in_ms) lost.add('non-standard token lifetime');
  if (provider.refresh_token_params || provider.refresh_token_response_metadata || provider.decode_url || provider.integration_config || provider.authorization_code_param_in_callback) lost.add('other oauth2 options');
  if (clientCredentials && provider.credentials && Object.keys(provider.credentials).some((k) => !['client_id', 'client_secret'].includes(k))) lost.add('several secrets');
  // credential headers in proxy: the Bearer token is what oauth2 applies
  for (const [name, value] of Object.entries(provider.proxy?.headers ?? {})) {
    if (hasCredentialRef(value) && !/^Bearer \$\{accessToken\}$/.test(String(value))) lost.add('credential in a custom header');
  }
  return auth;
}

function apiKeyAuth(provider, lost) {
  const credentialNames = Object.keys(provider.credentials ?? {});
  if (credentialNames.length > 1) lost.add('several secrets');
  const inHeader = Object.entries(provider.proxy?.headers ?? {}).filter(([, v]) => hasCredentialRef(v));
  const inQuery = Object.entries(provider.proxy?.query ?? {}).filter(([, v]) => hasCredentialRef(v));
  if (inHeader.length + inQuery.length !== 1) {
    lost.add(inHeader.length + inQuery.length === 0 ? 'key placement not declared' : 'key in several places');
    return { scheme: 'api_key' };
  }
  const [name, value] = (inHeader[0] ?? inQuery[0]);
  const match = String(value).match(/^(.*?)\$\{apiKey\}$/);
  if (!match || hasCredentialRef(match[1])) {
    lost.add('key inside a composed value');
    return { scheme: 'api_key' };
  }
  const auth = { scheme: 'api_key', in: inHeader.length ? 'header' : 'query', name };
  if (match[1].trim()) auth.prefix = match[1].trim();
  if (match[1] && !/\s$/.test(match[1])) lost.add('prefix without a space');
  return auth;
}

function basicAuth(provider, lost) {
  const creds = provider.credentials ?? {};
  const names = Object.keys(creds);
  if (names.some((n) => !['username', 'password'].includes(n))) lost.add('several secrets');
  if (creds.username?.hidden || creds.password?.hidden || creds.username?.default_value === '' || creds.password?.default_value === '') lost.add('empty secret (a Basic part left blank)');
  if (Object.values(provider.proxy?.headers ?? {}).some((v) => hasCredentialRef(v))) lost.add('credential in a custom header');
  return { scheme: 'basic' };
}

/**
 * @param {string} name
 * @param {Record<string, any>} provider
 * @returns {{ manifest: Record<string, unknown>, lost: string[] }}
 */
export function translateProvider(name, provider) {
  const lost = new Set();
  let auth;
  switch (provider.auth_mode) {
    case 'OAUTH2': auth = oauth2Auth(provider, lost, false); break;
    case 'OAUTH2_CC': auth = oauth2Auth(provider, lost, true); break;
    case 'API_KEY': auth = apiKeyAuth(provider, lost); break;
    case 'BASIC': auth = basicAuth(provider, lost); break;
    case 'TWO_STEP': lost.add('two-step login (a token from a custom request)'); auth = { scheme: 'none' }; break;
    default: lost.add(`auth mode ${provider.auth_mode}`); auth = { scheme: 'none' };
  }
  for (const key of Object.keys(provider)) {
    if (DESCRIPTIVE.has(key) || key === 'proxy' || key === 'connection_config' || key === 'credentials') continue;
    if (!KNOWN_AUTH_KEYS.has(key)) lost.add(`unknown field ${key}`);
  }
  for (const key of Object.keys(provider.proxy ?? {})) if (!PROXY_DESCRIPTIVE.has(key)) lost.add(`proxy.${key}`);
  const plainQuery = Object.entries(provider.proxy?.query ?? {}).filter(([, v]) => !hasCredentialRef(v));
  if (plainQuery.length) lost.add('query parameters on every request');
  const manifest = { apiVersion: 'connectors/v1', name: name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z]+/, 'p-') };
  const config = configOf(provider);
  if (config) manifest.config = config;
  manifest.auth = auth;
  const baseUrl = provider.proxy?.base_url;
  manifest.base_url = typeof baseUrl === 'string' ? templateOf(baseUrl, lost, 'base_url') : 'https://example.invalid';
  if (typeof baseUrl !== 'string') lost.add('no base_url');
  const headers = plainHeaders(provider, lost);
  if (Object.keys(headers).length) manifest.headers = headers;
  manifest.streams = [{ name: 'probe', path: '/' }];
  const text = JSON.stringify(manifest);
  if (/\$\{/.test(text)) lost.add('template of another value (credentials, metadata)');
  return { manifest, lost: [...lost] };
}

/** The auth fields `translateProvider` reads (a field outside this list is reported as lost). */
const KNOWN_AUTH_KEYS = new Set([
  'token_url', 'authorization_url', 'authorization_params', 'token_params', 'refresh_params', 'scope_separator', 'disable_pkce',
  'default_scopes', 'token_request_auth_method', 'body_format', 'token_response_metadata', 'refresh_url', 'authorization_method',
  'token_headers', 'alternate_access_token_response_path', 'auth', 'authorization_url_replacements', 'authorization_url_fragment',
  'authorization_url_skip_encode', 'authorization_url_skip_empty', 'require_client_certificate', 'token_expiration_buffer',
  'expires_in_unit', 'token_expires_in_ms', 'refresh_token_params', 'refresh_token_response_metadata', 'decode_url',
  'integration_config', 'authorization_code_param_in_callback', 'token_response', 'token_request_method', 'assertion',
  'additional_steps', 'assertion_option', 'signature', 'token', 'refresh_token_headers', 'token_response_headers', 'connection_configuration',
]);
