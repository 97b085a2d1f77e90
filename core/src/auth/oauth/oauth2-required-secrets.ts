/**
 * Which secrets an oauth2 connection needs, from its options: the client credentials its client
 * authentication sends, the resource owner's for the password grant, a service account key or a
 * PEM for jwt_bearer; with `discovery: mcp` the client is optional (`auth login` registers one).
 * `secrets list` shows these, and a missing one fails before any request.
 */
import type { SecretSpec } from '../../plugin-api.js';

/** Every secret the oauth2 scheme may read; `optional` as for a connection whose options say nothing. */
export const OAUTH2_SECRETS: SecretSpec[] = [
  { name: 'client_id', description: 'The OAuth client id (not for jwt_bearer with service_account_json; with discovery: mcp, auth login registers one when unset).' },
  { name: 'client_secret', description: 'The OAuth client secret (for jwt_bearer: the PEM private key; none for client_auth: none).' },
  { name: 'username', description: "The resource owner's user name, for grant_type password." },
  { name: 'password', description: "The resource owner's password, for grant_type password." },
  { name: 'client_private_key', description: 'The PEM private key that signs the client assertion, for client_auth private_key_jwt.' },
  { name: 'service_account_json', description: 'A Google service account key file (JSON), for grant_type jwt_bearer.', optional: true },
];

/** The oauth2 secrets a connection with `options` reads, each optional unless the options need it. */
export function oauth2SecretsFor(options: Record<string, unknown>): SecretSpec[] {
  const needed = new Map<string, boolean>();
  const need = (name: string, optional = false): void => {
    needed.set(name, optional);
  };
  if (options.grant_type === 'jwt_bearer') {
    // Either the service account key file, or client_id with the PEM in client_secret.
    need('service_account_json', true);
    need('client_id', true);
    need('client_secret', true);
  } else if (options.discovery === 'mcp') {
    // `auth login` registers a client (RFC 7591) when none is set, and stores it with the
    // connection; a client the user registered by hand is set as these two.
    need('client_id', true);
    need('client_secret', true);
  } else {
    need('client_id');
    const clientAuth = options.client_assertion ? 'private_key_jwt' : options.client_auth;
    if (clientAuth === 'private_key_jwt') {
      if (!options.client_assertion) need('client_private_key');
    } else if (clientAuth !== 'none') {
      need('client_secret');
    }
    if (options.grant_type === 'password') {
      need('username');
      need('password');
    }
  }
  return OAUTH2_SECRETS.filter((spec) => needed.has(spec.name)).map((spec) => ({ ...spec, optional: needed.get(spec.name) }));
}
