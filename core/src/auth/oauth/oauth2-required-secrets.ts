/**
 * Which secrets an oauth2 connection needs, from its options: the client credentials its client
 * authentication sends, the resource owner's for the password grant, a service account key or a
 * PEM for jwt_bearer, the TLS client certificate and its key for mutual TLS; with `discovery: mcp`
 * the client is optional (`auth login` registers one). `secrets list` shows these, and a missing
 * one fails before any request.
 */
import type { SecretSpec } from '../../plugin-api.js';
import { usesTlsClientCertificate } from './oauth2-options.js';

/** The secrets of the TLS client certificate (mutual TLS, RFC 8705), each a PEM. */
export const TLS_CLIENT_CERTIFICATE_SECRETS = { certificate: 'tls_client_cert', key: 'tls_client_key' } as const;

/** Every secret the oauth2 scheme may read; `optional` as for a connection whose options say nothing. */
export const OAUTH2_SECRETS: SecretSpec[] = [
  { name: 'client_id', description: 'The OAuth client id (not for jwt_bearer with service_account_json; with discovery: mcp, auth login registers one when unset).' },
  { name: 'client_secret', description: 'The OAuth client secret (for jwt_bearer: the PEM private key; none for client_auth: none).' },
  { name: 'username', description: "The resource owner's user name, for grant_type password." },
  { name: 'password', description: "The resource owner's password, for grant_type password." },
  { name: 'client_private_key', description: 'The PEM private key that signs the client assertion, for client_auth private_key_jwt.' },
  { name: 'service_account_json', description: 'A Google service account key file (JSON), for grant_type jwt_bearer.', optional: true },
  {
    name: TLS_CLIENT_CERTIFICATE_SECRETS.certificate,
    description: 'The TLS client certificate (PEM, intermediates after it), for tls_client_certificate or client_auth tls_client_auth.',
  },
  {
    name: TLS_CLIENT_CERTIFICATE_SECRETS.key,
    description: "The TLS client certificate's private key (PEM, unencrypted), for tls_client_certificate or client_auth tls_client_auth.",
  },
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
    } else if (clientAuth !== 'none' && clientAuth !== 'tls_client_auth') {
      need('client_secret');
    }
    if (options.grant_type === 'password') {
      need('username');
      need('password');
    }
  }
  if (usesTlsClientCertificate(options)) {
    need(TLS_CLIENT_CERTIFICATE_SECRETS.certificate);
    need(TLS_CLIENT_CERTIFICATE_SECRETS.key);
  }
  return OAUTH2_SECRETS.filter((spec) => needed.has(spec.name)).map((spec) => ({ ...spec, optional: needed.get(spec.name) }));
}
