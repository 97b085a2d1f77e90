import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type Session } from '../../plugin-api.js';
import { signOAuth1Request, type OAuth1SignatureMethod } from '../oauth1/sign-request.js';

interface OAuth1Options {
  signature_method?: OAuth1SignatureMethod;
  realm?: string;
}

/** The session of oauth1: the four static credentials. */
export async function authenticateOAuth1(ctx: AuthContext): Promise<Session> {
  const { consumer_key = '', consumer_secret = '', token = '', token_secret = '' } = ctx.secrets;
  return { secrets: { consumer_key, consumer_secret, token, token_secret } };
}

/** OAuth 1.0a request signing (RFC 5849), e.g. NetSuite token-based authentication. */
export const oauth1Scheme = defineAuthScheme({
  name: 'oauth1',
  apiVersion: 1,
  description: 'OAuth 1.0a request signing (RFC 5849) with HMAC-SHA1, HMAC-SHA256 or PLAINTEXT.',
  options: loadSchema('auth/oauth1.json'),
  requiredSecrets: [
    { name: 'consumer_key', description: 'The client (consumer) key.' },
    { name: 'consumer_secret', description: 'The client (consumer) secret.' },
    { name: 'token', description: 'The access token (token id).', aliases: ['access_token', 'token_id'] },
    { name: 'token_secret', description: 'The access token secret.', aliases: ['access_token_secret'] },
  ],
  injectedSecrets: [{ name: 'consumer_key' }, { name: 'consumer_secret' }, { name: 'token' }, { name: 'token_secret' }],
  authenticate: authenticateOAuth1,
  apply(request, session, ctx) {
    const options = ctx.options as OAuth1Options;
    const credentials = {
      consumerKey: session.secrets.consumer_key ?? '',
      consumerSecret: session.secrets.consumer_secret ?? '',
      token: session.secrets.token ?? '',
      tokenSecret: session.secrets.token_secret ?? '',
    };
    signOAuth1Request(request, credentials, {
      signatureMethod: options.signature_method ?? 'HMAC-SHA1',
      ...(options.realm ? { realm: options.realm } : {}),
      now: ctx.now(),
    });
  },
});
