import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';
import { createTripletexSession } from '../tripletex/create-tripletex-session.js';

/** `Basic base64("<company_id>:<session_token>")`, the header Tripletex's `tokenAuthScheme` wants. */
export function formatTripletexAuthorization(companyId: number, sessionToken: string): string {
  return `Basic ${Buffer.from(`${companyId}:${sessionToken}`, 'utf8').toString('base64')}`;
}

/**
 * Tripletex session tokens. Every `authenticate` creates a new session (Tripletex has no refresh):
 * on first use, within `refresh_before` of 00:00 UTC of the expirationDate, and after a 401.
 * The session URL is `auth.session_url`, else `<config.base_url>/token/session/:create`.
 */
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
  async authenticate(ctx) {
    const session = await createTripletexSession(ctx);
    return {
      secrets: {
        consumer_key: ctx.secrets.consumer_key ?? ctx.secrets.consumer_token ?? '',
        employee_token: ctx.secrets.employee_token ?? '',
        session_token: session.token,
      },
      expiresAt: session.expiresAt,
      issuedAt: session.issuedAt,
      values: { expiration_date: session.expirationDate },
    };
  },
  apply(request, session, ctx) {
    const companyId = typeof ctx.options.company_id === 'number' ? ctx.options.company_id : 0;
    request.headers.authorization = formatTripletexAuthorization(companyId, session.secrets.session_token ?? '');
  },
});
