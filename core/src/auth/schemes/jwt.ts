import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

// Placeholder: the metadata is final, authenticate is being built (issue 6).
export const jwtScheme = defineAuthScheme({
  name: 'jwt',
  apiVersion: 1,
  description: 'An API key exchanged for a JWT access token and a refresh token.',
  options: loadSchema('auth/jwt.json'),
  requiredSecrets: [{ name: 'api_key', description: 'The API key exchanged at login_url.' }],
  injectedSecrets: [{ name: 'jwt_access_token' }, { name: 'jwt_refresh_token' }],
  async authenticate() {
    throw new AuthError('The jwt scheme is not built yet.');
  },
  apply(request, session) {
    request.headers.authorization = `Bearer ${session.secrets.jwt_access_token}`;
  },
});
