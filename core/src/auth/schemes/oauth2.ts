/**
 * The `oauth2` scheme (RFC 6749): client_credentials, authorization_code with refresh-token
 * renewal (rotation handled), and jwt_bearer (RFC 7523).
 *
 * - client_credentials: every session comes straight from the token endpoint.
 * - authorization_code: the first tokens come from `connectors auth login` ({@link oauth2Scheme}'s
 *   `login`: the code flow on a loopback redirect, or the device flow of RFC 8628 with `--device`
 *   or when the provider has a device endpoint and no authorization endpoint) or from an
 *   `oauth_refresh_token` secret the user set; renewal uses the refresh_token
 *   grant with the session's refresh token (which wins over the seed), without `scope`. A rotated
 *   refresh token replaces the old one; otherwise the old one is kept.
 * - jwt_bearer: the `client_secret` secret holds the PEM private key; the assertion has
 *   `iss` = `sub` = client_id and `aud` = token_url, and no client secret is sent.
 *
 * `scopes` (space-joined, not on refresh), `audience`, `resource` and `token_params` go with every
 * token request; `expires_in` gives `expiresAt`.
 */
import { AuthError, UsageError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type LoginContext, type LoginFlow, type Session } from '../../plugin-api.js';
import { buildAuthorizationUrl } from '../oauth/authorize-url.js';
import type { ClientAuthMethod } from '../oauth/client-auth.js';
import { deviceAuthorizationRequest, deviceCodeGrant } from '../oauth/device-authorization.js';
import { discoverEndpoints } from '../oauth/discovery.js';
import { createJwtAssertion } from '../oauth/jwt-assertion.js';
import { calculateCodeChallenge, generateCodeVerifier, generateState } from '../oauth/pkce.js';
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  jwtBearerGrant,
  refreshTokenGrant,
  type TokenEndpoint,
  type TokenSet,
} from '../oauth/token-request.js';

/** The manifest's `auth` options of the oauth2 scheme, defaults applied (schemas/auth/oauth2.json). */
export interface OAuth2Options {
  token_url: string;
  authorize_url?: string;
  device_authorization_url?: string;
  issuer?: string;
  grant_type: 'authorization_code' | 'client_credentials' | 'jwt_bearer';
  scopes: string[];
  audience?: string;
  resource?: string;
  client_auth: ClientAuthMethod;
  pkce: boolean;
  prompt?: string;
  token_params: Record<string, string>;
}

function readOptions(ctx: AuthContext): OAuth2Options {
  const options = ctx.options as Partial<OAuth2Options>;
  if (typeof options.token_url !== 'string' || options.token_url === '') {
    throw new AuthError(`The oauth2 auth block of ${ctx.connector} has no token_url.`);
  }
  return {
    ...options,
    token_url: options.token_url,
    grant_type: options.grant_type ?? 'authorization_code',
    scopes: options.scopes ?? [],
    client_auth: options.client_auth ?? 'client_secret_basic',
    pkce: options.pkce ?? true,
    token_params: options.token_params ?? {},
  };
}

function requireSecret(ctx: AuthContext, name: string): string {
  const value = ctx.secrets[name];
  if (!value) {
    throw new AuthError(`The ${ctx.connector} connection "${ctx.connection}" has no ${name} secret.`, {
      hint: `Set it with \`connectors secrets set ${ctx.connector} ${name}\`.`,
    });
  }
  return value;
}

/** audience, resource and token_params: sent on every token request. */
function extraParams(options: OAuth2Options): Record<string, string> {
  const params: Record<string, string> = { ...options.token_params };
  if (options.audience) params.audience = options.audience;
  if (options.resource) params.resource = options.resource;
  return params;
}

function tokenEndpoint(ctx: AuthContext, options: OAuth2Options, withClient = true): TokenEndpoint {
  const endpoint: TokenEndpoint = { tokenUrl: options.token_url, clientAuth: options.client_auth, extraParams: extraParams(options) };
  if (withClient) endpoint.client = { clientId: requireSecret(ctx, 'client_id'), clientSecret: requireSecret(ctx, 'client_secret') };
  return endpoint;
}

/** The session of a token answer; `previousRefreshToken` is kept when the server sent no new one. */
export function createOAuth2Session(ctx: AuthContext, tokens: TokenSet, previousRefreshToken?: string): Session {
  const now = ctx.now();
  const secrets: Record<string, string> = {
    oauth_access_token: tokens.accessToken,
    oauth_client_id: ctx.secrets.client_id ?? '',
    oauth_client_secret: ctx.secrets.client_secret ?? '',
  };
  const refreshToken = tokens.refreshToken ?? previousRefreshToken;
  if (refreshToken) secrets.oauth_refresh_token = refreshToken;
  const session: Session = { secrets, issuedAt: now };
  // A lifetime under a second (expires_in: 0) counts as unknown: renewed after a 401 only.
  if (tokens.expiresIn !== undefined && tokens.expiresIn >= 1) session.expiresAt = new Date(now.getTime() + tokens.expiresIn * 1000);
  const values: Record<string, unknown> = { token_type: tokens.tokenType };
  if (tokens.scope) values.scope = tokens.scope;
  session.values = values;
  return session;
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
    const tokens = await refreshTokenGrant(ctx.http, tokenEndpoint(ctx, options), refreshToken);
    return createOAuth2Session(ctx, tokens, refreshToken);
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
  switch (options.grant_type) {
    case 'client_credentials':
      return createOAuth2Session(ctx, await clientCredentialsGrant(ctx.http, tokenEndpoint(ctx, options), { scopes: options.scopes }));
    case 'jwt_bearer': {
      const assertion = await createJwtAssertion({
        clientId: requireSecret(ctx, 'client_id'),
        audience: options.token_url,
        privateKey: requireSecret(ctx, 'client_secret'),
        now: ctx.now(),
      });
      const tokens = await jwtBearerGrant(ctx.http, tokenEndpoint(ctx, options, false), { assertion, scopes: options.scopes });
      return createOAuth2Session(ctx, tokens);
    }
    case 'authorization_code':
      return renewWithRefreshToken(ctx, options, previous);
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
  const token = tokenEndpoint(ctx, options);
  const extra: Record<string, string> = {};
  if (options.audience) extra.audience = options.audience;
  if (options.resource) extra.resource = options.resource;
  const authorization = await deviceAuthorizationRequest(
    ctx.http,
    { deviceAuthorizationUrl, client: token.client, clientAuth: options.client_auth, extraParams: extra },
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
    return createOAuth2Session(ctx, tokens);
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
  const extra: Record<string, string> = {};
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
  const tokens = await authorizationCodeGrant(ctx.http, tokenEndpoint(ctx, options), { code, redirectUri: ctx.redirectUri, codeVerifier });
  return createOAuth2Session(ctx, tokens);
}

/** OAuth 2.0: client_credentials, authorization_code with refresh, jwt_bearer. */
export const oauth2Scheme = defineAuthScheme({
  name: 'oauth2',
  apiVersion: 1,
  description:
    'OAuth 2.0: client_credentials, authorization_code with refresh, jwt_bearer. For jwt_bearer the client_secret secret holds the PEM private key that signs the assertion.',
  options: loadSchema('auth/oauth2.json'),
  requiredSecrets: [
    { name: 'client_id', description: 'The OAuth client id.' },
    { name: 'client_secret', description: 'The OAuth client secret (for jwt_bearer: the PEM private key).' },
  ],
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
