import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

// Placeholder: the metadata is final, authenticate/apply are being built (issue 6).
export const superofficeScheme = defineAuthScheme({
  name: 'superoffice',
  apiVersion: 1,
  description: 'SuperOffice OAuth2/OIDC with the system-user ticket.',
  options: loadSchema('auth/superoffice.json'),
  requiredSecrets: [
    { name: 'client_id', description: 'The application id.' },
    { name: 'client_secret', description: 'The application token (client secret).' },
    { name: 'rsa_private_key', description: 'The application private key (PEM or RSA XML); needed when system_user.', optional: true },
  ],
  injectedSecrets: [
    { name: 'so_ticket' },
    { name: 'SO-Apptoken' },
    { name: 'oauth_access_token' },
    { name: 'oauth_refresh_token' },
    { name: 'oauth_client_id' },
    { name: 'oauth_client_secret' },
  ],
  async authenticate() {
    throw new AuthError('The superoffice scheme is not built yet.');
  },
  apply() {},
});
