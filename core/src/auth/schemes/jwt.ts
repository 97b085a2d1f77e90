import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type Session } from '../../plugin-api.js';
import { readJwtOptions } from '../jwt/jwt-options.js';
import { loginWithApiKey, refreshJwt } from '../jwt/jwt-token-request.js';
import type { JwtTokens } from '../jwt/process-jwt-response.js';

/** The session a jwt login or refresh gives. `jwt_refresh_token` is left out when the API sent none. */
export function toJwtSession(tokens: JwtTokens): Session {
  const session: Session = { secrets: { jwt_access_token: tokens.accessToken }, issuedAt: tokens.issuedAt };
  if (tokens.refreshToken) session.secrets.jwt_refresh_token = tokens.refreshToken;
  if (tokens.expiresAt) session.expiresAt = tokens.expiresAt;
  return session;
}

/**
 * First login and renewal: with a refresh token and `refresh_url`, refresh; a rejected refresh
 * falls back to one fresh login with the API key. Without `refresh_url`, log in again.
 */
export async function authenticateJwt(ctx: AuthContext, previous?: Session): Promise<Session> {
  const options = readJwtOptions(ctx.options);
  const refreshToken = previous?.secrets.jwt_refresh_token;
  if (options.refreshUrl && refreshToken) {
    try {
      return toJwtSession(await refreshJwt(ctx, options, refreshToken));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      ctx.log.warn(`${error.message} Logging in again with the api_key.`);
    }
  }
  return toJwtSession(await loginWithApiKey(ctx, options));
}

/** An API key exchanged at `login_url` for a JWT access token and a refresh token. */
export const jwtScheme = defineAuthScheme({
  name: 'jwt',
  apiVersion: 1,
  description: 'An API key exchanged for a JWT access token and a refresh token.',
  options: loadSchema('auth/jwt.json'),
  requiredSecrets: [{ name: 'api_key', description: 'The API key exchanged at login_url.' }],
  injectedSecrets: [{ name: 'jwt_access_token' }, { name: 'jwt_refresh_token' }],
  authenticate: authenticateJwt,
  apply(request, session) {
    request.headers.authorization = `Bearer ${session.secrets.jwt_access_token}`;
  },
});
