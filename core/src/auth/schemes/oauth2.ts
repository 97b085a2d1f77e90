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
 */
import { AuthError, UsageError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { secretEnvName } from '../../secrets/env-name.js';
import { MissingSecretError } from '../../secrets/missing-secret-error.js';
import { defineAuthScheme, type AuthContext, type LoginContext, type LoginFlow, type Session } from '../../plugin-api.js';
import { renderSchemeTemplates } from '../render-scheme-templates.js';
import { buildAuthorizationUrl } from '../oauth/authorize-url.js';
import { deviceAuthorizationRequest, deviceCodeGrant } from '../oauth/device-authorization.js';
import { discoverEndpoints } from '../oauth/discovery.js';
import { readClientAssertion } from '../oauth/client-assertion.js';
import type { ClientCredentials } from '../oauth/client-auth.js';
import { createJwtAssertion } from '../oauth/jwt-assertion.js';
import { parseServiceAccountKey } from '../oauth/service-account.js';
import { readOAuth2Options, usesTlsClientCertificate, type OAuth2Options } from '../oauth/oauth2-options.js';
import { createOAuth2Session as createSession } from '../oauth/oauth2-session.js';
import { calculateCodeChallenge, generateCodeVerifier, generateState } from '../oauth/pkce.js';
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
 * certificate authenticates it) have no secret, `private_key_jwt` an assertion.
 */
async function clientCredentials(ctx: AuthContext, options: OAuth2Options, tokenUrl: string): Promise<ClientCredentials> {
  const clientId = requireSecret(ctx, 'client_id');
  switch (options.client_auth) {
    case 'none':
    case 'tls_client_auth':
      return { clientId, clientSecret: '' };
    case 'private_key_jwt':
      return { clientId, clientSecret: '', assertion: await createClientAssertion(ctx, options, clientId, tokenUrl) };
    default:
      return { clientId, clientSecret: requireSecret(ctx, 'client_secret') };
  }
}

/**
 * The token endpoint of one token request (client assertions are made per request);
 * `refresh` moves it to `refresh_url` and adds `refresh_params`.
 */
async function tokenEndpoint(ctx: AuthContext, options: OAuth2Options, use: { withClient?: boolean; refresh?: boolean; tokenUrl?: string } = {}): Promise<TokenEndpoint> {
  const tokenUrl = use.tokenUrl ?? (use.refresh ? (options.refresh_url ?? options.token_url) : options.token_url);
  const endpoint: TokenEndpoint = {
    tokenUrl,
    clientAuth: options.client_auth,
    extraParams: use.refresh ? { ...extraParams(options), ...options.refresh_params } : extraParams(options),
    format: options.token_request_format,
    headers: renderTokenHeaders(ctx, options),
    basicEncoding: options.basic_encoding,
    scopeSeparator: options.scope_separator,
    response: { paths: options.token_response, expiresInUnit: options.expires_in_unit },
  };
  if (use.withClient ?? true) endpoint.client = await clientCredentials(ctx, options, tokenUrl);
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
  const state = generateState();
  const codeVerifier = options.pkce ? generateCodeVerifier() : undefined;
  const extra: Record<string, string> = { ...options.authorization_params };
  if (options.audience) extra.audience = options.audience;
  if (options.resource) extra.resource = options.resource;
  const url = buildAuthorizationUrl({
    authorizeUrl,
    clientId: requireSecret(ctx, 'client_id'),
    redirectUri: ctx.redirectUri,
    scopes: options.scopes,
    state,
    codeChallenge: codeVerifier ? calculateCodeChallenge(codeVerifier) : undefined,
    prompt: options.prompt,
    extraParams: extra,
    scopeSeparator: options.scope_separator,
  });
  const callback = await ctx.authorize(url, state);
  if (callback.get('state') !== state) throw new AuthError('The login callback carried a state that does not match; the code was not used.');
  const error = callback.get('error');
  if (error) {
    const description = callback.get('error_description') ?? undefined;
    throw new AuthError(`The provider refused the login: ${error}${description ? ` (${description})` : ''}.`, {
      providerError: error,
      providerErrorDescription: description,
    });
  }
  const code = callback.get('code');
  if (!code) throw new AuthError('The login callback carried no authorization code.');
  const tokens = await authorizationCodeGrant(ctx.http, await tokenEndpoint(ctx, options), { code, redirectUri: ctx.redirectUri, codeVerifier });
  return createOAuth2Session(ctx, options, tokens);
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
