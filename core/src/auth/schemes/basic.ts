import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

/** HTTP Basic (RFC 7617) from the secrets `username` and `password`. */
export const basicScheme = defineAuthScheme({
  name: 'basic',
  apiVersion: 1,
  description: 'HTTP Basic authentication: Authorization: Basic base64(username:password).',
  options: loadSchema('auth/basic.json'),
  requiredSecrets: [
    { name: 'username', description: 'The user name.' },
    { name: 'password', description: 'The password.' },
  ],
  injectedSecrets: [{ name: 'username' }, { name: 'password' }],
  async authenticate(ctx) {
    return { secrets: { username: ctx.secrets.username ?? '', password: ctx.secrets.password ?? '' } };
  },
  apply(request, session) {
    const credentials = `${session.secrets.username}:${session.secrets.password}`;
    request.headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  },
});
