import { AuthError } from '../../errors.js';
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

// Placeholder: the metadata is final, authenticate/apply are being built (issue 6).
export const tripletexScheme = defineAuthScheme({
  name: 'tripletex',
  apiVersion: 1,
  description: 'Tripletex session tokens from a consumer token and an employee token.',
  options: loadSchema('auth/tripletex.json'),
  requiredSecrets: [
    { name: 'consumer_key', description: 'The application consumer token.', aliases: ['consumer_token'] },
    { name: 'employee_token', description: 'The employee token.' },
  ],
  injectedSecrets: [{ name: 'consumer_key' }, { name: 'employee_token' }, { name: 'session_token' }],
  async authenticate() {
    throw new AuthError('The tripletex scheme is not built yet.');
  },
  apply() {},
});
