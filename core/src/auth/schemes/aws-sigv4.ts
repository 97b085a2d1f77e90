import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type Session } from '../../plugin-api.js';
import { signAwsRequest, type AwsScope } from '../aws-sigv4/sign-request.js';

/** The session of aws_sigv4: the static credentials, `session_token` only when there is one. */
export async function authenticateAwsSigv4(ctx: AuthContext): Promise<Session> {
  const secrets: Record<string, string> = {
    access_key_id: ctx.secrets.access_key_id ?? '',
    secret_access_key: ctx.secrets.secret_access_key ?? '',
  };
  if (ctx.secrets.session_token) secrets.session_token = ctx.secrets.session_token;
  return { secrets };
}

/** AWS Signature Version 4 on every request (DESIGN.md section 12), signed in `apply` as sent. */
export const awsSigv4Scheme = defineAuthScheme({
  name: 'aws_sigv4',
  apiVersion: 1,
  description: 'AWS Signature Version 4 on every request, from an access key pair (and a session token).',
  options: loadSchema('auth/aws_sigv4.json'),
  requiredSecrets: [
    { name: 'access_key_id', description: 'The AWS access key id (AKIA... or ASIA...).' },
    { name: 'secret_access_key', description: 'The AWS secret access key.' },
    { name: 'session_token', description: 'The session token of temporary (STS) credentials.', optional: true },
  ],
  injectedSecrets: [{ name: 'access_key_id' }, { name: 'secret_access_key' }, { name: 'session_token', optional: true }],
  authenticate: authenticateAwsSigv4,
  apply(request, session, ctx) {
    const scope = ctx.options as unknown as AwsScope;
    const credentials = {
      accessKeyId: session.secrets.access_key_id ?? '',
      secretAccessKey: session.secrets.secret_access_key ?? '',
      ...(session.secrets.session_token ? { sessionToken: session.secrets.session_token } : {}),
    };
    signAwsRequest(request, credentials, { region: scope.region, service: scope.service }, ctx.now());
  },
});
