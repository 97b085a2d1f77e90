// @ts-check
/**
 * One provider of Nango's providers.yaml (`@nangohq/providers`) as a connector manifest of this
 * runtime, and what the manifest cannot say (issue 12's measure). A provider counts as expressed
 * only when nothing that changes a request or a login is lost; display fields (docs, categories,
 * setup guides, webhooks, post-connection scripts, retry and verification hints) are not auth.
 */
import { convertNangoTemplate, readsCredential } from './nango-template.js';

/** Fields that describe a provider but change no request or login. */
const DESCRIPTIVE = new Set([
  'display_name', 'categories', 'docs', 'docs_connect', 'setup_guide_url', 'auth_mode', 'alias',
  'webhook_routing_script', 'webhook_user_defined_secret', 'webhook_allowed_query_params', 'webhook_response_metadata',
  'post_connection_script', 'pre_connection_deletion_script', 'credentials_verification_script',
  'authorization_code_param_in_webhook', 'redirect_uri_metadata', 'installation',
]);
/** `proxy` keys that are not auth, or that the translation reads itself. */
const PROXY_HANDLED = new Set(['base_url', 'headers', 'query', 'retry', 'verification', 'paginate', 'decompress', 'connection_config']);

/** A scope for {@link convertNangoTemplate}. */
function scopeOf(state, overrides = {}) {
  return { accessToken: undefined, apiKey: undefined, secrets: false, secretNames: state.secretNames, configNames: state.configNames, configAlias: state.configAlias, ...overrides };
}

/** Converts every value of a map; undefined values (lost) are left out. */
function convertMap(map, scope, lost, where) {
  const out = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    const converted = convertNangoTemplate(value, scope, lost, `${where} ${key}`);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** The manifest's config schema from `connection_config`, plus any config a template reads. */
function configOf(provider, names) {
  const properties = {};
  for (const [name, spec] of Object.entries(provider.connection_config ?? {})) {
    const property = { type: spec.type === 'number' || spec.type === 'boolean' ? spec.type : 'string' };
    if (spec.description) property.description = String(spec.description).slice(0, 200);
    if (Array.isArray(spec.enum)) property.enum = spec.enum.map(String);
    if (spec.default_value !== undefined && spec.default_value !== '') property.default = String(spec.default_value);
    properties[name] = property;
  }
  for (const name of names) properties[name] ??= { type: 'string' };
  return Object.keys(properties).length ? { type: 'object', properties } : undefined;
}

/** The manifest's `secrets:` declarations for the credentials a template reads. */
function secretsOf(provider, names) {
  return [...names].map((name) => {
    const spec = provider.credentials?.[name] ?? {};
    const declaration = { name };
    if (spec.title || spec.description) declaration.description = String(spec.description ?? spec.title).slice(0, 200);
    if (spec.optional) declaration.optional = true;
    return declaration;
  });
}

/** The standard authorize-URL parameters that `authorization_param_names` may rename. */
const AUTHORIZATION_PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt'];

/**
 * Nango's authorize-URL rewriting as options: `authorization_url_replacements` of parameter
 * names as `authorization_param_names` (an empty replacement leaves the parameter out),
 * `authorization_url_fragment` as `authorize_url_fragment`; `authorization_url_skip_empty` is what
 * the runtime does anyway; `authorization_url_skip_encode: [scopes]` with a `+` separator puts a
 * raw `+` between scopes, which is a space once decoded: the default separator, encoded as `+`.
 */
function authorizeUrlRewriting(provider, auth, lost) {
  for (const [from, to] of Object.entries(provider.authorization_url_replacements ?? {})) {
    const name = from.replace(/=$/, '');
    const sent = String(to).replace(/=$/, '');
    if (!AUTHORIZATION_PARAMETERS.includes(name) || /[^A-Za-z0-9_-]/.test(sent)) {
      lost.add('authorize-URL rewriting');
      continue;
    }
    auth.authorization_param_names = { ...(auth.authorization_param_names ?? {}), [name]: sent };
  }
  if (provider.authorization_url_fragment !== undefined) auth.authorize_url_fragment = String(provider.authorization_url_fragment);
  const skipEncode = provider.authorization_url_skip_encode ?? [];
  for (const part of skipEncode) {
    if (part === 'scopes' && (auth.scope_separator ?? ' ') === '+') delete auth.scope_separator;
    else if (part !== 'scopes') lost.add('authorize-URL rewriting');
  }
}

function oauth2Auth(provider, state, lost, clientCredentials) {
  const auth = { scheme: 'oauth2', grant_type: clientCredentials ? 'client_credentials' : 'authorization_code' };
  const configScope = scopeOf(state);
  if (typeof provider.token_url !== 'string') lost.add('token_url per grant');
  else auth.token_url = convertNangoTemplate(provider.token_url, configScope, lost, 'token_url');
  if (!clientCredentials) {
    if (typeof provider.authorization_url === 'string') auth.authorize_url = convertNangoTemplate(provider.authorization_url, configScope, lost, 'authorization_url');
    const params = { ...(provider.auth ?? {}), ...(provider.authorization_params ?? {}) };
    const extra = Object.entries(params).filter(([k, v]) => !(k === 'response_type' && v === 'code'));
    if (extra.length) auth.authorization_params = convertMap(Object.fromEntries(extra), configScope, lost, 'authorize param');
    if (provider.disable_pkce) auth.pkce = false;
  }
  const expectedGrant = clientCredentials ? 'client_credentials' : 'authorization_code';
  const tokenParams = Object.fromEntries(Object.entries(provider.token_params ?? {}).filter(([k, v]) => !(k === 'grant_type' && v === expectedGrant)));
  if (typeof tokenParams.grant_type === 'string') {
    auth.grant_type = tokenParams.grant_type;
    delete tokenParams.grant_type;
  }
  if (Object.keys(tokenParams).length) auth.token_params = convertMap(tokenParams, configScope, lost, 'token param');
  const refreshParams = Object.fromEntries(Object.entries(provider.refresh_params ?? {}).filter(([k, v]) => !(k === 'grant_type' && v === 'refresh_token')));
  if (Object.keys(refreshParams).length) auth.refresh_params = convertMap(refreshParams, configScope, lost, 'refresh param');
  if (provider.scope_separator && provider.scope_separator !== ' ') auth.scope_separator = String(provider.scope_separator);
  if (Array.isArray(provider.default_scopes) && provider.default_scopes.length) auth.scopes = provider.default_scopes.map(String);
  // Nango sends the client in the body unless told otherwise, and its Basic header is not form-encoded.
  const method = provider.token_request_auth_method ?? (provider.authorization_method === 'header' ? 'basic' : undefined);
  if (method === 'basic') {
    auth.client_auth = 'client_secret_basic';
    auth.basic_encoding = 'raw';
  } else if (method === 'private_key_jwt') auth.client_auth = 'private_key_jwt';
  else if (method) lost.add(`token endpoint auth ${method}`);
  else auth.client_auth = 'client_secret_post';
  if (provider.body_format === 'json') auth.token_request_format = 'json';
  if (provider.token_headers) auth.token_headers = convertMap(provider.token_headers, scopeOf(state, { secrets: true }), lost, 'token header');
  if (Array.isArray(provider.token_response_metadata) && provider.token_response_metadata.length) {
    auth.token_values = Object.fromEntries(provider.token_response_metadata.map((path) => [String(path).replace(/[^A-Za-z0-9_]/g, '_'), String(path)]));
  }
  if (provider.refresh_url) auth.refresh_url = convertNangoTemplate(provider.refresh_url, configScope, lost, 'refresh_url');
  if (provider.alternate_access_token_response_path) lost.add('alternate access-token path');
  authorizeUrlRewriting(provider, auth, lost);
  if (provider.require_client_certificate) auth.tls_client_certificate = true;
  if (provider.expires_in_unit) auth.token_response = { ...(auth.token_response ?? {}), }, auth.expires_in_unit = provider.expires_in_unit === 'milliseconds' || provider.expires_in_unit === 'ms' ? 'ms' : 's';
  if (provider.token_expires_in_ms) auth.token_lifetime = Number(provider.token_expires_in_ms) / 1000;
  // A refresh that sends only grant_type=refresh_token is what every refresh sends.
  const refreshTokenParams = Object.entries(provider.refresh_token_params ?? {}).filter(([k, v]) => !(k === 'grant_type' && v === 'refresh_token'));
  if (refreshTokenParams.length) lost.add('extra refresh parameters');
  // token_values are read from every token answer, refreshes included.
  for (const path of provider.refresh_token_response_metadata ?? []) {
    auth.token_values = { ...(auth.token_values ?? {}), [String(path).replace(/[^A-Za-z0-9_]/g, '_')]: String(path) };
  }
  if (provider.decode_url || provider.authorization_code_param_in_callback) lost.add('other oauth2 options');
  // integration_config: values of the app registration, a connection's config here.
  for (const name of Object.keys(provider.integration_config ?? {})) state.configNames.add(name);
  if (clientCredentials && provider.credentials && Object.keys(provider.credentials).some((k) => !['client_id', 'client_secret'].includes(k))) lost.add('several secrets');
  if (auth.token_response && Object.keys(auth.token_response).length === 0) delete auth.token_response;
  return auth;
}

/** The request headers and query of `proxy`, with the scheme's own credential placement taken out. */
function proxyParts(provider, state, lost, scope, skip = () => false) {
  const headers = {};
  const query = {};
  for (const [name, value] of Object.entries(provider.proxy?.headers ?? {})) {
    if (skip('header', name, value)) continue;
    const converted = convertNangoTemplate(value, scope, lost, `header ${name}`);
    if (converted !== undefined) headers[name] = converted;
  }
  for (const [name, value] of Object.entries(provider.proxy?.query ?? {})) {
    if (skip('query', name, value)) continue;
    const converted = convertNangoTemplate(value, scope, lost, `query ${name}`);
    if (converted !== undefined) query[name] = converted;
  }
  return { headers, query };
}

function apiKeyAuth(provider, state, lost) {
  const inHeader = Object.entries(provider.proxy?.headers ?? {}).filter(([, v]) => /\$\{apiKey\}/.test(String(v)));
  const inQuery = Object.entries(provider.proxy?.query ?? {}).filter(([, v]) => /\$\{apiKey\}/.test(String(v)));
  if (inHeader.length + inQuery.length === 0) {
    lost.add('key placement not declared');
    return { auth: { scheme: 'api_key' }, skip: () => false };
  }
  if (inHeader.length + inQuery.length === 1) {
    const [name, value] = inHeader[0] ?? inQuery[0];
    const match = String(value).match(/^([^$]*?)\$\{apiKey\}$/);
    if (match && (!match[1] || /\s$/.test(match[1]))) {
      const auth = { scheme: 'api_key', in: inHeader.length ? 'header' : 'query', name };
      if (match[1].trim()) auth.prefix = match[1].trim();
      return { auth, skip: (where, key) => where === (inHeader.length ? 'header' : 'query') && key === name };
    }
  }
  // The key in several places or inside a composed value: the manifest writes them from the secret.
  return { auth: { scheme: 'api_key', apply: false }, skip: () => false };
}

function basicAuth(provider, state, lost) {
  const creds = provider.credentials ?? {};
  const empty = ['username', 'password'].filter((n) => creds[n]?.hidden || creds[n]?.default_value === '' || creds[n]?.optional);
  for (const name of empty) state.emptySecrets.add(name);
  const custom = Object.values(provider.proxy?.headers ?? {}).some((v) => readsCredential(v));
  return { scheme: 'basic', ...(custom ? { apply: false } : {}) };
}

/**
 * Nango's BASIC with `authorization: ${awsSigV4(${credentials.username}, ${credentials.password},
 * REGION, SERVICE[, HOST])}` and `x-amz-date: ${now:...}` headers: the aws_sigv4 scheme, which
 * signs every request itself (the access key pair as its two secrets; HOST is the request's).
 */
function awsSigv4Auth(provider, state, lost) {
  const headers = Object.entries(provider.proxy?.headers ?? {});
  const signature = headers.find(([name, value]) => /^authorization$/i.test(name) && /^\$\{awsSigV4\(/.test(String(value)));
  if (!signature) return undefined;
  const args = /^\$\{awsSigV4\(\$\{credentials\.username\}, *\$\{credentials\.password\}, *([^,]+), *([^,)]+)(?:, *[^)]+)?\)\}$/.exec(String(signature[1]));
  if (!args) {
    lost.add('template of another value (awsSigV4)');
    return undefined;
  }
  const option = (text, where) => (/^\$\{/.test(text.trim()) ? convertNangoTemplate(text.trim(), scopeOf(state), lost, where) : text.trim());
  const auth = { scheme: 'aws_sigv4', region: option(args[1], 'aws region'), service: option(args[2], 'aws service') };
  return { auth, skip: (where, key) => where === 'header' && /^(authorization|x-amz-date)$/i.test(key) };
}

/** Nango's `assertion` / `token` block (a JWT signed before the login) as the login scheme's `assertion`. */
function assertionOf(provider, state, lost) {
  const block = provider.assertion ?? provider.token;
  if (!block) return undefined;
  const scope = scopeOf(state, { secrets: true });
  const key = convertNangoTemplate(block.key ?? block.signing_key, scope, lost, 'assertion key');
  const claims = {};
  for (const [name, value] of Object.entries(block.payload ?? {})) {
    if (name === 'jti' && String(value) === '${random}') continue; // a random jti is added anyway
    const converted = convertNangoTemplate(value, scope, lost, `assertion claim ${name}`);
    if (converted !== undefined) claims[name] = converted;
  }
  const assertion = { key, claims };
  const header = { ...(block.header ?? {}) };
  if (header.alg) assertion.alg = String(header.alg);
  if (header.kid) assertion.kid = convertNangoTemplate(header.kid, scope, lost, 'assertion kid');
  delete header.alg;
  delete header.kid;
  if (header.typ === 'JWT') delete header.typ;
  if (Object.keys(header).length) assertion.header = header;
  const lifetime = block.lifetimeInSeconds ?? (block.expires_in_ms ? Number(block.expires_in_ms) / 1000 : undefined);
  if (lifetime) assertion.lifetime = Number(lifetime);
  for (const k of Object.keys(block)) if (!['type', 'key', 'signing_key', 'payload', 'header', 'lifetimeInSeconds', 'expires_in_ms', 'singleUse'].includes(k)) lost.add(`assertion.${k}`);
  if (block.type && block.type !== 'jwt') lost.add(`assertion type ${block.type}`);
  return assertion;
}

/** The login's request body from Nango's params, in its body format. */
function requestWith(request, format, params, lost) {
  if (request.method === 'GET') {
    if (Object.keys(params).length) request.query = params;
  } else if (format === 'form') request.form = params;
  else if (format === 'json') request.json = params;
  else lost.add(`${format} login body`);
  return request;
}

function loginAuth(provider, state, lost) {
  const assertion = assertionOf(provider, state, lost);
  const scope = scopeOf(state, { secrets: true, ...(assertion ? { assertion: 'session.assertion' } : {}) });
  const request = { method: String(provider.token_request_method ?? 'POST').toUpperCase() };
  if (typeof provider.token_url === 'string') request.url = convertNangoTemplate(provider.token_url, scope, lost, 'token_url');
  const format = provider.body_format ?? 'json';
  const headers = convertMap(Object.fromEntries(Object.entries(provider.token_headers ?? {}).filter(([name, value]) => {
    // The body format sets the content type itself.
    return !(name.toLowerCase() === 'content-type' && ((format === 'json' && /json/.test(String(value))) || (format === 'form' && /x-www-form-urlencoded/.test(String(value)))));
  })), scope, lost, 'token header');
  if (Object.keys(headers).length) request.headers = headers;
  requestWith(request, format, convertMap(provider.token_params ?? {}, scope, lost, 'token param'), lost);
  const tokenResponse = provider.token_response ?? {};
  const response = { token: String(tokenResponse.token ?? 'access_token') };
  if (tokenResponse.token_expiration) {
    if (tokenResponse.token_expiration_strategy === 'expireAt') response.expires_at = String(tokenResponse.token_expiration);
    else response.expires_in = String(tokenResponse.token_expiration);
  }
  if (tokenResponse.refresh_token) response.refresh_token = String(tokenResponse.refresh_token);
  for (const key of Object.keys(tokenResponse)) if (!['token', 'token_expiration', 'token_expiration_strategy', 'refresh_token'].includes(key)) lost.add(`token_response.${key}`);
  const auth = { scheme: 'login', request, response };
  if (assertion) auth.assertion = assertion;
  if (provider.token_expires_in_ms) auth.token_lifetime = Number(provider.token_expires_in_ms) / 1000;
  if (Array.isArray(provider.token_response_metadata) && provider.token_response_metadata.length) {
    response.values = Object.fromEntries(provider.token_response_metadata.map((path) => [String(path).replace(/[^A-Za-z0-9_]/g, '_'), String(path)]));
    for (const name of Object.keys(response.values)) state.configAlias[name] = `auth.${name}`;
  }
  if (provider.refresh_url || provider.refresh_token_params) {
    const refreshScope = scopeOf(state, { secrets: true, refreshToken: 'session.refresh_token' });
    const refreshUrl = convertNangoTemplate(provider.refresh_url ?? provider.token_url, refreshScope, lost, 'refresh_url');
    const refreshRequest = { method: 'POST', url: refreshUrl };
    if (request.headers) refreshRequest.headers = request.headers;
    auth.refresh = { request: requestWith(refreshRequest, format, convertMap(provider.refresh_token_params ?? {}, refreshScope, lost, 'refresh param'), lost) };
  }
  // `signature: {protocol}` names how `token` is signed; `assertion_option` declares the key secret.
  for (const key of ['additional_steps', 'refresh_token_headers', 'token_response_headers']) {
    if (provider[key] !== undefined) lost.add(`two-step ${key}`);
  }
  // Requests carry the token as the provider's proxy headers say; Nango's default is a Bearer header.
  const tokenScope = scopeOf(state, { secrets: true, accessToken: 'session.token' });
  const apply = proxyParts(provider, state, lost, tokenScope, (where, name, value) => !/\$\{accessToken\}/.test(String(value)));
  const applies = Object.keys(apply.headers).length + Object.keys(apply.query).length > 0;
  if (applies) {
    auth.apply = {};
    if (Object.keys(apply.headers).length) auth.apply.headers = apply.headers;
    if (Object.keys(apply.query).length) auth.apply.query = apply.query;
  }
  return { auth, skip: (where, name, value) => /\$\{accessToken\}/.test(String(value)) };
}

/**
 * @param {string} name
 * @param {Record<string, any>} provider
 * @returns {{ manifest: Record<string, unknown>, lost: string[] }}
 */
export function translateProvider(name, provider) {
  const lost = new Set();
  const state = { secretNames: new Set(), configNames: new Set(), emptySecrets: new Set(), configAlias: {} };
  // Nango fills connectionConfig from the token response metadata: here those are session values.
  for (const path of provider.token_response_metadata ?? []) state.configAlias[String(path).replace(/[^A-Za-z0-9_]/g, '_')] = `auth.${String(path).replace(/[^A-Za-z0-9_]/g, '_')}`;
  let auth;
  /** @type {(where: string, name: string, value: unknown) => boolean} */
  let skip = () => false;
  /** What `${accessToken}` / `${apiKey}` become in proxy headers. */
  let tokenScope = scopeOf(state, { secrets: true });
  switch (provider.auth_mode) {
    case 'OAUTH2':
    case 'OAUTH2_CC': {
      auth = oauth2Auth(provider, state, lost, provider.auth_mode === 'OAUTH2_CC');
      tokenScope = scopeOf(state, { secrets: true, accessToken: 'secrets.oauth_access_token', client: { clientId: 'secrets.oauth_client_id', clientSecret: 'secrets.oauth_client_secret' } });
      const custom = Object.entries(provider.proxy?.headers ?? {}).filter(([, v]) => readsCredential(v));
      const standard = custom.length === 1 && /^authorization$/i.test(custom[0][0]) && /^Bearer \$\{accessToken\}$/.test(String(custom[0][1]));
      if (standard) skip = (where, key) => where === 'header' && /^authorization$/i.test(key);
      else if (custom.length || Object.values(provider.proxy?.query ?? {}).some((v) => readsCredential(v))) auth.apply = false;
      break;
    }
    case 'API_KEY': {
      const built = apiKeyAuth(provider, state, lost);
      auth = built.auth;
      skip = built.skip;
      tokenScope = scopeOf(state, { secrets: true, apiKey: 'secrets.api_key' });
      break;
    }
    case 'BASIC': {
      const signed = awsSigv4Auth(provider, state, lost);
      if (signed) {
        auth = signed.auth;
        skip = signed.skip;
        break;
      }
      auth = basicAuth(provider, state, lost);
      tokenScope = scopeOf(state, { secrets: true, apiKey: 'secrets.password' });
      break;
    }
    case 'TWO_STEP': {
      const built = loginAuth(provider, state, lost);
      auth = built.auth;
      skip = built.skip;
      break;
    }
    default:
      lost.add(`auth mode ${provider.auth_mode}`);
      auth = { scheme: 'none' };
  }
  if (provider.token_expiration_buffer) auth.refresh_before = Number(provider.token_expiration_buffer);
  for (const key of Object.keys(provider)) {
    if (DESCRIPTIVE.has(key) || key === 'proxy' || key === 'connection_config' || key === 'credentials') continue;
    if (!KNOWN_AUTH_KEYS.has(key)) lost.add(`unknown field ${key}`);
  }
  for (const key of Object.keys(provider.proxy ?? {})) if (!PROXY_HANDLED.has(key)) lost.add(`proxy.${key}`);
  const { headers, query } = proxyParts(provider, state, lost, tokenScope, skip);

  const manifest = { apiVersion: 'connectors/v1', name: name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z]+/, 'p-') };
  const baseUrl = provider.proxy?.base_url;
  const base = typeof baseUrl === 'string' ? convertNangoTemplate(baseUrl, scopeOf(state), lost, 'base_url') : undefined;
  if (typeof baseUrl !== 'string') lost.add('no base_url');
  const config = configOf(provider, state.configNames);
  if (config) manifest.config = config;
  // Basic and api_key read their own secrets; other credentials are declared.
  const own = provider.auth_mode === 'BASIC' ? ['username', 'password'] : provider.auth_mode === 'API_KEY' ? ['api_key'] : [];
  const declared = secretsOf(provider, [...state.secretNames].filter((n) => !own.includes(n)));
  for (const secret of state.emptySecrets) declared.push({ name: secret, allow_empty: true });
  if (declared.length) manifest.secrets = declared;
  manifest.auth = auth;
  manifest.base_url = base ?? 'https://example.invalid';
  if (Object.keys(headers).length) manifest.headers = headers;
  if (Object.keys(query).length) manifest.query = query;
  manifest.streams = [{ name: 'probe', path: '/' }];
  if (/\$\{/.test(JSON.stringify(manifest))) lost.add('template of another value (credentials, metadata)');
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
