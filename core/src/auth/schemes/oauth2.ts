/**
 * The `oauth2` scheme (RFC 6749): client_credentials, authorization_code with refresh-token
 * renewal (rotation handled), jwt_bearer (RFC 7523), password (RFC 6749 4.3) and extension grants
 * sent as named (Zoom's `account_credentials`).
 *
 * - client_credentials, password and extension grants: every session comes straight from the
 *   token endpoint (password with the `username` and `password` secrets).
 * - authorization_code: the first tokens come from `connectors auth login` ({@link oauth2Scheme}'s
 *   `login`: the code flow on a loopback redirect, or the device flow of RFC 8628 with `--device`
 *   or when the provider has a device endpoint and no authorization endpoint) or from an
 *   `oauth_refresh_token` secret the user set; renewal uses the refresh_token grant at
 *   `refresh_url` (default token_url) with `refresh_params`, the session's refresh token (which
 *   wins over the seed), and no `scope`. A rotated refresh token replaces the old one; otherwise
 *   the old one is kept.
 * - jwt_bearer: the `client_secret` secret holds the PEM private key; the assertion has
 *   `iss` = `sub` = client_id and `aud` = token_url, and no client secret is sent.
 *
 * `scopes` (joined with `scope_separator`, not on refresh), `audience`, `resource` and
 * `token_params` go with every token request, as a form or JSON (`token_request_format`) with
 * `token_headers`; `token_response` says where the answer keeps its fields, `token_values` what
 * the session keeps as `{{ auth.<name> }}`. `client_auth: none` is a public client: `client_id`
 * in the body and no secret. `tls_client_certificate: true` is mutual TLS (RFC 8705): the
 * `tls_client_cert` and `tls_client_key` secrets are presented on token and API requests (the
 * runtime's HTTP client does it, see `runtime/tls-client-certificate.ts`); `client_auth:
 * tls_client_auth` (RFC 8705 2.1) implies it and sends `client_id` in the body and no secret.
 *
 * `discovery: mcp` (an MCP server, {@link loginToMcpServer}): the endpoints come from the server
 * at `resource`; `auth login` registers a client when no client_id secret is set and stores it
 * with the connection; the session keeps the token endpoint and the client for its renewals.
 */
import { AuthError, UsageError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { secretEnvName } from '../../secrets/env-name.js';
import { MissingSecretError } from '../../secrets/missing-secret-error.js';
import { defineAuthScheme, type AuthContext, type LoginContext, type LoginFlow, type Session } from '../../plugin-api.js';
import { renderSchemeTemplates } from '../render-scheme-templates.js';
import { requestAuthorizationCode } from '../oauth/authorization-code-flow.js';
import { deviceAuthorizationRequest, deviceCodeGrant } from '../oauth/device-authorization.js';
import { discoverEndpoints } from '../oauth/discovery.js';
import { readClientAssertion } from '../oauth/client-assertion.js';
import type { ClientAuthMethod, ClientCredentials } from '../oauth/client-auth.js';
import { createJwtAssertion } from '../oauth/jwt-assertion.js';
import { parseServiceAccountKey } from '../oauth/service-account.js';
import { readOAuth2Options, usesTlsClientCertificate, type OAuth2Options } from '../oauth/oauth2-options.js';
import { createOAuth2Session as createSession } from '../oauth/oauth2-session.js';
import { discoverMcpEndpoints, keptMcpClient, keptMcpEndpoints, mcpSessionValues, resolveMcpClient, type McpClient } from '../oauth/mcp-authorization.js';
import { OAUTH2_SECRETS, oauth2SecretsFor, TLS_CLIENT_CERTIFICATE_SECRETS } from '../oauth/oauth2-required-secrets.js';
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  extensionGrant,
  jwtBearerGrant,
  passwordGrant,
  refreshTokenGrant,
  type TokenEndpoint,
  type TokenSet,
} from '../oauth/token-request.js';

export type { OAuth2Options } from '../oauth/oauth2-options.js';

const readOptions = readOAuth2Options;

/**
 * A secret the grant needs. The scheme declares them all optional (which ones a connection needs
 * depends on its options), so a missing one is reported here, as the runtime reports a required one.
 */
function requireSecret(ctx: AuthContext, name: string): string {
  const value = ctx.secrets[name];
  if (!value) throw new MissingSecretError(ctx.connector, ctx.connection, [{ name, env: secretEnvName(ctx.connector, name) }]);
  return value;
}

/** audience, resource and token_params: sent on every token request. */
function extraParams(options: OAuth2Options): Record<string, string> {
  const params: Record<string, string> = { ...options.token_params };
  if (options.audience) params.audience = options.audience;
  if (options.resource) params.resource = options.resource;
  return params;
}

/** The manifest's `token_headers`, rendered now with config and secrets. */
function renderTokenHeaders(ctx: AuthContext, options: OAuth2Options): Record<string, string> {
  return renderSchemeTemplates(options.token_headers, { config: ctx.config, secrets: ctx.secrets }, `${ctx.connector} auth.token_headers`);
}

/**
 * The client assertion of `private_key_jwt`: read from `client_assertion` (file or program) when
 * set, else signed now with the `client_private_key` secret (RFC 7523 2.2: `iss` = `sub` =
 * client_id, `aud` = the token endpoint).
 */
async function createClientAssertion(ctx: AuthContext, options: OAuth2Options, clientId: string, tokenUrl: string): Promise<string> {
  if (options.client_assertion) return readClientAssertion(ctx.connector, options.client_assertion);
  return createJwtAssertion({
    clientId,
    audience: tokenUrl,
    privateKey: requireSecret(ctx, 'client_private_key'),
    now: ctx.now(),
    ...(options.kid ? { keyId: options.kid } : {}),
    keyHint: 'For client_auth private_key_jwt the client_private_key secret holds the PEM private key.',
  });
}

/**
 * The client's credentials: a public client (`client_auth: none`) and `tls_client_auth` (whose
 * certificate authenticates it) have no secret, `private_key_jwt` an assertion. `known` is the
 * client of an MCP connection (registered, or kept by the session).
 */
async function clientCredentials(ctx: AuthContext, options: OAuth2Options, tokenUrl: string, clientAuth: ClientAuthMethod, known?: McpClient): Promise<ClientCredentials> {
  const clientId = known?.clientId ?? requireSecret(ctx, 'client_id');
  switch (clientAuth) {
    case 'none':
    case 'tls_client_auth':
      return { clientId, clientSecret: '' };
    case 'private_key_jwt':
      return { clientId, clientSecret: '', assertion: await createClientAssertion(ctx, options, clientId, tokenUrl) };
    default:
      return { clientId, clientSecret: known ? (known.clientSecret ?? '') : requireSecret(ctx, 'client_secret') };
  }
}

/**
 * How an MCP connection's client authenticates: a registered public client (no secret) as `none`
 * (RFC 7591 registers it so), one with a secret as `client_auth` says.
 */
function mcpClientAuth(options: OAuth2Options, client: McpClient): ClientAuthMethod {
  if (client.clientSecret || options.client_auth === 'private_key_jwt') return options.client_auth;
  return 'none';
}

/**
 * The token endpoint of one token request (client assertions are made per request);
 * `refresh` moves it to `refresh_url` and adds `refresh_params`.
 */
async function tokenEndpoint(
  ctx: AuthContext,
  options: OAuth2Options,
  use: { withClient?: boolean; refresh?: boolean; tokenUrl?: string; client?: McpClient } = {},
): Promise<TokenEndpoint> {
  const tokenUrl = use.tokenUrl ?? (use.refresh ? (options.refresh_url ?? options.token_url) : options.token_url);
  const clientAuth = use.client ? mcpClientAuth(options, use.client) : options.client_auth;
  const endpoint: TokenEndpoint = {
    tokenUrl,
    clientAuth,
    extraParams: use.refresh ? { ...extraParams(options), ...options.refresh_params } : extraParams(options),
    format: options.token_request_format,
    headers: renderTokenHeaders(ctx, options),
    basicEncoding: options.basic_encoding,
    scopeSeparator: options.scope_separator,
    response: { paths: options.token_response, expiresInUnit: options.expires_in_unit },
  };
  if (use.withClient ?? true) endpoint.client = await clientCredentials(ctx, options, tokenUrl, clientAuth, use.client);
  return endpoint;
}

/**
 * The JWT bearer grant (RFC 7523 2.1). With the `service_account_json` secret (Google): `iss` =
 * client_email, `sub` = `subject` (domain-wide delegation) or none, `aud` = token endpoint =
 * `token_url` or the key's `token_uri`, `scope` as a claim, `kid` = private_key_id. Else the
 * `client_secret` secret holds the PEM key and `iss` = client_id, `sub` = `subject` or client_id.
 */
async function authenticateWithJwtBearer(ctx: AuthContext, options: OAuth2Options): Promise<Session> {
  const serviceAccount = ctx.secrets.service_account_json;
  if (serviceAccount) {
    const key = parseServiceAccountKey(ctx.connector, serviceAccount);
    const tokenUrl = options.token_url || key.tokenUri;
    if (!tokenUrl) throw new AuthError(`The oauth2 auth block of ${ctx.connector} has no token_url and its service_account_json has no token_uri.`);
    const keyId = options.kid ?? key.privateKeyId;
    const assertion = await createJwtAssertion({
      clientId: key.clientEmail,
      subject: options.subject || false,
      audience: tokenUrl,
      privateKey: key.privateKey,
      now: ctx.now(),
      lifetime: 3600,
      ...(options.scopes.length > 0 ? { claims: { scope: options.scopes.join(' ') } } : {}),
      ...(keyId ? { keyId } : {}),
      keyHint: 'The private_key of the service_account_json secret must be the PEM key of the key file.',
    });
    const tokens = await jwtBearerGrant(ctx.http, await tokenEndpoint(ctx, options, { withClient: false, tokenUrl }), { assertion });
    return createOAuth2Session(ctx, options, tokens);
  }
  if (!options.token_url) throw new AuthError(`The oauth2 auth block of ${ctx.connector} has no token_url.`);
  const assertion = await createJwtAssertion({
    clientId: requireSecret(ctx, 'client_id'),
    ...(options.subject ? { subject: options.subject } : {}),
    audience: options.token_url,
    privateKey: requireSecret(ctx, 'client_secret'),
    now: ctx.now(),
    ...(options.kid ? { keyId: options.kid } : {}),
  });
  const tokens = await jwtBearerGrant(ctx.http, await tokenEndpoint(ctx, options, { withClient: false }), { assertion, scopes: options.scopes });
  return createOAuth2Session(ctx, options, tokens);
}

/** The session of a token answer; `previous` lends its refresh token and token_values when the answer lacks them. */
function createOAuth2Session(ctx: AuthContext, options: OAuth2Options, tokens: TokenSet, previous?: { refreshToken?: string; values?: Record<string, unknown> }): Session {
  return createSession(ctx, tokens, { token_lifetime: options.token_lifetime, token_values: options.token_values }, previous);
}

async function renewWithRefreshToken(ctx: AuthContext, options: OAuth2Options, previous?: Session): Promise<Session> {
  const refreshToken = previous?.secrets.oauth_refresh_token || ctx.secrets.oauth_refresh_token;
  const login = `\`connectors auth login ${ctx.connector}\``;
  const setToken = `\`connectors secrets set ${ctx.connector} oauth_refresh_token\``;
  if (!refreshToken) {
    throw new AuthError(`The ${ctx.connector} connection "${ctx.connection}" has no OAuth tokens yet.`, {
      hint: `Run ${login}, or set a refresh token with ${setToken}.`,
    });
  }
  try {
    if (options.discovery === 'mcp') return await renewMcpSession(ctx, options, refreshToken, previous);
    const tokens = await refreshTokenGrant(ctx.http, await tokenEndpoint(ctx, options, { refresh: true }), refreshToken);
    return createOAuth2Session(ctx, options, tokens, { refreshToken, values: previous?.values });
  } catch (error) {
    if (error instanceof AuthError && error.providerError) {
      throw new AuthError(error.message, {
        providerError: error.providerError,
        providerErrorDescription: error.providerErrorDescription,
        status: error.status,
        hint: `Set a new refresh token with ${setToken} or run ${login}.`,
      });
    }
    throw error;
  }
}

/** `ctx` whose secrets hold the MCP connection's client, so the session's oauth_client_id is that client. */
function withMcpClient<T extends AuthContext>(ctx: T, client: McpClient): T {
  const secrets: Record<string, string> = { ...ctx.secrets, client_id: client.clientId };
  if (client.clientSecret) secrets.client_secret = client.clientSecret;
  return { ...ctx, secrets };
}

/**
 * Renews an MCP connection's session: the refresh_token grant at the token endpoint the session
 * kept (discovered again only when it kept none), with the stored client, and `resource`.
 */
async function renewMcpSession(ctx: AuthContext, options: OAuth2Options, refreshToken: string, previous?: Session): Promise<Session> {
  const resource = options.resource as string;
  const client = keptMcpClient(ctx.secrets, previous);
  if (!client) {
    throw new AuthError(`The ${ctx.connector} connection "${ctx.connection}" has no OAuth client for its MCP server yet.`, {
      hint: `Run \`connectors auth login ${ctx.connector}\`, which registers one, or set one with \`connectors secrets set ${ctx.connector} client_id\`.`,
    });
  }
  const kept = options.refresh_url || options.token_url ? undefined : await keptMcpEndpoints(ctx.http, resource, previous);
  const tokenUrl = options.refresh_url ?? (options.token_url || (kept?.tokenEndpoint as string));
  const tokens = await refreshTokenGrant(ctx.http, await tokenEndpoint(ctx, options, { refresh: true, tokenUrl, client }), refreshToken);
  const session = createOAuth2Session(withMcpClient(ctx, client), options, tokens, { refreshToken, values: previous?.values });
  session.values = { ...session.values, ...mcpSessionValues(kept ?? { tokenEndpoint: tokenUrl }, client.clientId, resource) };
  return session;
}

async function authenticateOAuth2(ctx: AuthContext, previous?: Session): Promise<Session> {
  const options = readOptions(ctx);
  const scopes = options.scopes;
  switch (options.grant_type) {
    case 'client_credentials':
      return createOAuth2Session(ctx, options, await clientCredentialsGrant(ctx.http, await tokenEndpoint(ctx, options), { scopes }));
    case 'jwt_bearer':
      return authenticateWithJwtBearer(ctx, options);
    case 'password': {
      const credentials = { username: requireSecret(ctx, 'username'), password: requireSecret(ctx, 'password'), scopes };
      return createOAuth2Session(ctx, options, await passwordGrant(ctx.http, await tokenEndpoint(ctx, options), credentials));
    }
    case 'authorization_code':
      return renewWithRefreshToken(ctx, options, previous);
    default:
      return createOAuth2Session(ctx, options, await extensionGrant(ctx.http, await tokenEndpoint(ctx, options), { grantType: options.grant_type, scopes }));
  }
}

/** The interactive endpoints: from the options, else from the issuer's discovery document. */
async function resolveLoginEndpoints(
  ctx: AuthContext,
  options: OAuth2Options,
): Promise<{ authorizeUrl?: string; deviceAuthorizationUrl?: string }> {
  let authorizeUrl = options.authorize_url;
  let deviceAuthorizationUrl = options.device_authorization_url;
  if ((!authorizeUrl || !deviceAuthorizationUrl) && options.issuer) {
    const discovered = await discoverEndpoints(ctx.http, options.issuer);
    authorizeUrl ??= discovered.authorizationEndpoint;
    deviceAuthorizationUrl ??= discovered.deviceAuthorizationEndpoint;
  }
  return { authorizeUrl, deviceAuthorizationUrl };
}

/**
 * The login flow: `device` when asked (`--device`) or when the provider has a device endpoint and
 * no authorization endpoint; else the authorization-code flow. `--device` without a device
 * endpoint, or with a grant that needs no interactive login, is a usage error.
 */
async function chooseLoginFlow(ctx: AuthContext, request: { device: boolean }): Promise<LoginFlow> {
  const options = readOptions(ctx);
  if (options.grant_type !== 'authorization_code') {
    if (request.device) {
      throw new UsageError(`The ${ctx.connector} connector uses the ${options.grant_type} grant, which has no device flow; run \`connectors auth login ${ctx.connector}\` without --device.`);
    }
    return 'authorization_code';
  }
  if (options.discovery === 'mcp') {
    if (request.device) {
      throw new UsageError(`The ${ctx.connector} connector logs in to an MCP server (discovery: mcp), which uses the authorization-code flow; run \`connectors auth login ${ctx.connector}\` without --device.`);
    }
    return 'authorization_code';
  }
  if (!options.authorize_url && !options.device_authorization_url && !options.issuer) return 'authorization_code';
  const endpoints = await resolveLoginEndpoints(ctx, options);
  if (request.device) {
    if (!endpoints.deviceAuthorizationUrl) {
      throw new UsageError(
        `The oauth2 auth block of ${ctx.connector} has no device_authorization_url${options.issuer ? ' and its issuer names no device endpoint' : ''}, so it cannot use the device flow; run \`connectors auth login ${ctx.connector}\` without --device.`,
      );
    }
    return 'device';
  }
  return !endpoints.authorizeUrl && endpoints.deviceAuthorizationUrl ? 'device' : 'authorization_code';
}

/**
 * The device flow (RFC 8628): asks the device authorization endpoint for a user code, shows it
 * with `ctx.showDeviceCode` (or logs it), and polls the token endpoint until the user approves.
 */
async function loginWithDeviceCode(ctx: LoginContext, options: OAuth2Options, deviceAuthorizationUrl: string): Promise<Session> {
  const clientId = requireSecret(ctx, 'client_id');
  const token = await tokenEndpoint(ctx, options);
  const extra: Record<string, string> = {};
  if (options.audience) extra.audience = options.audience;
  if (options.resource) extra.resource = options.resource;
  const authorization = await deviceAuthorizationRequest(
    ctx.http,
    {
      deviceAuthorizationUrl,
      client: token.client,
      clientAuth: options.client_auth,
      extraParams: extra,
      basicEncoding: options.basic_encoding,
      scopeSeparator: options.scope_separator,
    },
    { clientId, scopes: options.scopes },
  );
  const info = {
    verificationUri: authorization.verificationUri,
    userCode: authorization.userCode,
    expiresInSeconds: authorization.expiresIn,
    ...(authorization.verificationUriComplete ? { verificationUriComplete: authorization.verificationUriComplete } : {}),
  };
  if (ctx.showDeviceCode) await ctx.showDeviceCode(info);
  else ctx.log.info(`To log in, visit ${info.verificationUri} and enter the code ${info.userCode}.`);
  const again = `Run \`connectors auth login ${ctx.connector} --device\` again`;
  try {
    const tokens = await deviceCodeGrant(ctx.http, token, {
      deviceCode: authorization.deviceCode,
      clientId,
      interval: authorization.interval,
      expiresIn: authorization.expiresIn,
      now: () => ctx.now(),
    });
    return createOAuth2Session(ctx, options, tokens);
  } catch (error) {
    if (error instanceof AuthError && (error.providerError === 'access_denied' || error.providerError === 'expired_token')) {
      throw new AuthError(error.message, {
        providerError: error.providerError,
        ...(error.status === undefined ? {} : { status: error.status }),
        hint: error.providerError === 'access_denied' ? `${again} and approve the code.` : `${again} and enter the code within ${authorization.expiresIn} seconds.`,
      });
    }
    throw error;
  }
}

/**
 * `connectors auth login`: the authorization-code flow with state and S256 PKCE on the loopback
 * redirect, or the device flow when `ctx.flow` is `device`.
 */
async function loginOAuth2(ctx: LoginContext): Promise<Session> {
  const options = readOptions(ctx);
  if (options.grant_type !== 'authorization_code') return authenticateOAuth2(ctx);
  if (options.discovery === 'mcp') return loginToMcpServer(ctx, options);
  const endpoints = await resolveLoginEndpoints(ctx, options);
  const flow = ctx.flow ?? (!endpoints.authorizeUrl && endpoints.deviceAuthorizationUrl ? 'device' : 'authorization_code');
  if (flow === 'device') {
    if (!endpoints.deviceAuthorizationUrl) throw new AuthError(`The oauth2 auth block of ${ctx.connector} has no device_authorization_url, so it cannot use the device flow.`);
    return loginWithDeviceCode(ctx, options, endpoints.deviceAuthorizationUrl);
  }
  const authorizeUrl = endpoints.authorizeUrl;
  if (!authorizeUrl) {
    throw new AuthError(`The oauth2 auth block of ${ctx.connector} has neither authorize_url nor issuer, so it cannot log in.`);
  }
  const extra: Record<string, string> = { ...options.authorization_params };
  if (options.audience) extra.audience = options.audience;
  if (options.resource) extra.resource = options.resource;
  const { code, codeVerifier } = await requestAuthorizationCode(ctx, {
    authorizeUrl,
    clientId: requireSecret(ctx, 'client_id'),
    scopes: options.scopes,
    pkce: options.pkce,
    prompt: options.prompt,
    extraParams: extra,
    scopeSeparator: options.scope_separator,
    paramNames: options.authorization_param_names,
    ...(options.authorize_url_fragment !== undefined ? { fragment: options.authorize_url_fragment } : {}),
  });
  const tokens = await authorizationCodeGrant(ctx.http, await tokenEndpoint(ctx, options), { code, redirectUri: ctx.redirectUri, codeVerifier });
  return createOAuth2Session(ctx, options, tokens);
}

/**
 * `auth login` to an MCP server (`discovery: mcp`): discovers the authorization server of
 * `resource` (RFC 9728, RFC 8414), registers a client (RFC 7591) when no client_id secret is set
 * and stores it with the connection (`ctx.saveSecrets`), then the code flow with S256 PKCE and
 * `resource` (RFC 8707) on the authorize and token requests. `authorize_url` and `token_url`, when
 * set, win over the discovered ones. Scopes: the manifest's, else the server's `scopes_supported`.
 */
async function loginToMcpServer(ctx: LoginContext, options: OAuth2Options): Promise<Session> {
  const resource = options.resource as string;
  const endpoints = await discoverMcpEndpoints(ctx.http, resource);
  const tokenUrl = options.token_url || endpoints.tokenEndpoint;
  const found = await resolveMcpClient(ctx.http, endpoints, {
    ...(ctx.secrets.client_id ? { clientId: ctx.secrets.client_id } : {}),
    ...(ctx.secrets.client_secret ? { clientSecret: ctx.secrets.client_secret } : {}),
    redirectUri: ctx.redirectUri,
    connector: ctx.connector,
  });
  const client: McpClient = found.clientSecret ? { clientId: found.clientId, clientSecret: found.clientSecret } : { clientId: found.clientId };
  if (found.registered) {
    // Stored before the browser leg, so a login abandoned there still reuses this client next time.
    await ctx.saveSecrets?.({ client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}) });
    ctx.log.info(`Registered a client at ${endpoints.issuer} (dynamic client registration) and stored it as the client_id secret of ${ctx.connector} (${ctx.connection}).`);
  }
  const extra: Record<string, string> = { ...options.authorization_params, resource };
  if (options.audience) extra.audience = options.audience;
  const { code, codeVerifier } = await requestAuthorizationCode(ctx, {
    authorizeUrl: options.authorize_url ?? endpoints.authorizationEndpoint,
    clientId: client.clientId,
    scopes: options.scopes.length > 0 ? options.scopes : (endpoints.scopesSupported ?? []),
    pkce: true, // MCP requires PKCE whatever `pkce` says
    prompt: options.prompt,
    extraParams: extra,
    scopeSeparator: options.scope_separator,
  });
  const endpoint = await tokenEndpoint(ctx, options, { tokenUrl, client });
  const tokens = await authorizationCodeGrant(ctx.http, endpoint, { code, redirectUri: ctx.redirectUri, ...(codeVerifier ? { codeVerifier } : {}) });
  const session = createOAuth2Session(withMcpClient(ctx, client), options, tokens);
  session.values = { ...session.values, ...mcpSessionValues({ tokenEndpoint: tokenUrl, issuer: endpoints.issuer }, client.clientId, resource) };
  return session;
}

/** OAuth 2.0: client_credentials, authorization_code with refresh, jwt_bearer, password, extension grants. */
export const oauth2Scheme = defineAuthScheme({
  name: 'oauth2',
  apiVersion: 1,
  description:
    'OAuth 2.0: client_credentials, authorization_code with refresh, jwt_bearer, password, or an extension grant. For jwt_bearer the client_secret secret holds the PEM private key that signs the assertion.',
  options: loadSchema('auth/oauth2.json'),
  // Which of them a connection needs depends on its options (a public client has no
  // client_secret, a Google service account no client_id).
  requiredSecrets: OAUTH2_SECRETS.map((spec) => ({ ...spec, optional: true })),
  requiredSecretsFor: oauth2SecretsFor,
  // Mutual TLS (RFC 8705): the runtime presents the certificate on token and API requests alike.
  tlsClientCertificateFor: (options) => (usesTlsClientCertificate(options) ? TLS_CLIENT_CERTIFICATE_SECRETS : undefined),
  templatedOptions: { token_headers: ['config', 'secrets'] },
  injectedSecrets: [
    { name: 'oauth_access_token' },
    { name: 'oauth_refresh_token' },
    { name: 'oauth_client_id' },
    { name: 'oauth_client_secret' },
  ],
  authenticate: authenticateOAuth2,
  apply(request, session) {
    request.headers.authorization = `Bearer ${session.secrets.oauth_access_token}`;
  },
  login: loginOAuth2,
  loginFlow: chooseLoginFlow,
});
