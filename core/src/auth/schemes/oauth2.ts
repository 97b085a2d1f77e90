import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

// Placeholder: the metadata is final, authenticate/apply are being built (issue 4).
export const oauth2Scheme = defineAuthScheme({
  name: 'oauth2',
  apiVersion: 1,
  description: 'OAuth 2.0: client_credentials, authorization_code with refresh, jwt_bearer.',
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
  async authenticate() {
    throw new AuthError('The oauth2 scheme is not built yet.');
  },
  apply(request, session) {
    request.headers.authorization = `Bearer ${session.secrets.oauth_access_token}`;
  },
});
