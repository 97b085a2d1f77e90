/**
 * The `github_app` scheme (DESIGN.md section 12): a GitHub App acting as one of its installations.
 * Each `authenticate` signs a fresh app JWT (RS256 with the `private_key` secret; `iss` = app id,
 * 10 minutes, `iat` 60 s in the past) and exchanges it at
 * `POST <api_url>/app/installations/<installation_id>/access_tokens` for an installation token
 * (an hour), which the runtime renews before `expires_at`. Requests carry
 * `Authorization: Bearer <token>`. The installation id is a per-connection config value.
 */
import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type AuthContext, type SecretSpec, type Session } from '../../plugin-api.js';
import { createGithubAppJwt, readGithubAppPrivateKey } from '../github-app/app-jwt.js';
import { readGithubAppOptions } from '../github-app/github-app-options.js';
import { installationTokenRequest, processInstallationTokenResponse, type InstallationToken } from '../github-app/installation-token.js';

const PRIVATE_KEY: SecretSpec = {
  name: 'private_key',
  description: "The GitHub App's private key, PEM as GitHub downloads it (BEGIN RSA PRIVATE KEY) or PKCS#8 (BEGIN PRIVATE KEY).",
};

/** The session of an installation token: the token as a secret, the installation as `auth.*`. */
export function toGithubAppSession(token: InstallationToken, installationId: string, issuedAt: Date): Session {
  const values: Record<string, unknown> = { installation_id: installationId };
  if (token.repositorySelection) values.repository_selection = token.repositorySelection;
  return { secrets: { github_installation_token: token.token }, expiresAt: token.expiresAt, issuedAt, values };
}

/** First login and renewal alike: a new app JWT, exchanged for a new installation token. */
export async function authenticateGithubApp(ctx: AuthContext): Promise<Session> {
  const options = readGithubAppOptions(ctx);
  const privateKey = readGithubAppPrivateKey(ctx.secrets.private_key, ctx.connector);
  const appJwt = await createGithubAppJwt({ appId: options.appId, privateKey, now: ctx.now(), connector: ctx.connector });
  const response = await ctx.http.request(installationTokenRequest(options, appJwt));
  const now = ctx.now();
  const token = processInstallationTokenResponse(response, now, { connector: ctx.connector, connection: ctx.connection, options });
  return toGithubAppSession(token, options.installationId, now);
}

/** A GitHub App installation token from the app's private key. */
export const githubAppScheme = defineAuthScheme({
  name: 'github_app',
  apiVersion: 1,
  description:
    "A GitHub App installation token: an app JWT (RS256, the app's private key) exchanged at /app/installations/{installation_id}/access_tokens, renewed before it expires; Authorization: Bearer.",
  options: loadSchema('auth/github_app.json'),
  requiredSecrets: [PRIVATE_KEY],
  requiredSecretsFor: () => [PRIVATE_KEY],
  injectedSecrets: [{ name: 'github_installation_token' }],
  // Rendered by the scheme, with config only, so an unset installation id says how to set it.
  templatedOptions: { app_id: ['config'], installation_id: ['config'] },
  authenticate: authenticateGithubApp,
  apply(request, session) {
    request.headers.authorization = `Bearer ${session.secrets.github_installation_token ?? ''}`;
  },
});
