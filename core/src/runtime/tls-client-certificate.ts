/**
 * Mutual TLS (RFC 8705) for a connection: the client certificate and private key its scheme
 * names (`tlsClientCertificateFor`, oauth2's `tls_client_certificate`), read from the
 * connection's secrets and checked before any request, so that a secret that is not PEM, or a key
 * that does not belong to the certificate, is one sentence naming the secret instead of a TLS
 * failure at the first handshake. The runtime's HTTP client then presents them on every HTTPS
 * request: the scheme's token requests and the connector's API requests alike.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AuthError } from '../errors.js';
import type { TlsClientCertificate } from '../http/client.js';
import type { AuthScheme, Logger } from '../plugin-api.js';
import { secretEnvName } from '../secrets/env-name.js';
import { MissingSecretError } from '../secrets/missing-secret-error.js';

export type { TlsClientCertificate } from '../http/client.js';

/** What {@link readTlsClientCertificate} needs of the connection. */
export interface TlsClientCertificateSource {
  connector: string;
  connection: string;
  /** The scheme's options, defaults applied (`ctx.options`). */
  options: Record<string, unknown>;
  /** The connection's resolved secrets. */
  secrets: Record<string, string>;
  log: Pick<Logger, 'warn'>;
  now: () => Date;
}

/** A PEM written on one line with `\n` escapes (as environment variables often hold it), unescaped. */
function unescapePem(text: string): string {
  return text.includes('-----BEGIN') && !text.includes('\n') ? text.replace(/(\\r)?\\n/g, '\n') : text;
}

function setHint(connector: string, name: string, file: string): string {
  return `Store it with \`connectors secrets set ${connector} ${name} < ${file}\`.`;
}

/** The certificate secret parsed, or a sentence naming it. Its intermediates may follow it. */
function parseCertificate(connector: string, name: string, text: string): X509Certificate {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AuthError(`The ${name} secret of ${connector} is not a PEM certificate (it has no "-----BEGIN CERTIFICATE-----" line).`, {
      hint: setHint(connector, name, 'client.pem'),
    });
  }
  try {
    return new X509Certificate(text);
  } catch {
    throw new AuthError(`The ${name} secret of ${connector} is not a readable PEM certificate.`, { hint: setHint(connector, name, 'client.pem') });
  }
}

/** The key secret parsed, or a sentence naming it; an encrypted key is refused (there is no passphrase to open it). */
function parsePrivateKey(connector: string, name: string, text: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new AuthError(`The ${name} secret of ${connector} is not a PEM private key (it has no "-----BEGIN PRIVATE KEY-----" or similar line).`, {
      hint: setHint(connector, name, 'client.key'),
    });
  }
  try {
    return createPrivateKey(text);
  } catch (error) {
    const encrypted = (error as { code?: string }).code === 'ERR_MISSING_PASSPHRASE' || text.includes('ENCRYPTED');
    throw new AuthError(
      encrypted
        ? `The ${name} secret of ${connector} is an encrypted private key; store it decrypted (openssl pkey -in client.key -out plain.key).`
        : `The ${name} secret of ${connector} is not a readable PEM private key.`,
      { hint: setHint(connector, name, 'client.key') },
    );
  }
}

/** True when `key` is the private key of `certificate`'s public key (false for keys of another type too). */
function belongsTogether(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/**
 * The TLS client certificate a connection presents, or undefined when its scheme presents none.
 * Throws an {@link AuthError} naming the secret (never its value) when one is missing, is not a
 * PEM certificate or private key, or when the key does not belong to the certificate; warns when
 * the certificate has expired or is not valid yet (the server will refuse it).
 */
export function readTlsClientCertificate(scheme: Pick<AuthScheme, 'tlsClientCertificateFor'>, source: TlsClientCertificateSource): TlsClientCertificate | undefined {
  const names = scheme.tlsClientCertificateFor?.(source.options);
  if (!names) return undefined;
  const { connector, connection } = source;
  const missing = [names.certificate, names.key].filter((name) => !source.secrets[name]);
  if (missing.length > 0) throw new MissingSecretError(connector, connection, missing.map((name) => ({ name, env: secretEnvName(connector, name) })));
  const certificate = unescapePem(source.secrets[names.certificate]!);
  const key = unescapePem(source.secrets[names.key]!);
  const x509 = parseCertificate(connector, names.certificate, certificate);
  const privateKey = parsePrivateKey(connector, names.key, key);
  if (!belongsTogether(x509, privateKey)) {
    throw new AuthError(`The ${names.key} secret of ${connector} is not the private key of the certificate in ${names.certificate}.`, {
      hint: `Store the key that was issued with that certificate, or the certificate of that key.`,
    });
  }
  const now = source.now().getTime();
  if (now > Date.parse(x509.validTo)) {
    source.log.warn(`The TLS client certificate in the ${names.certificate} secret of ${connector} expired on ${new Date(x509.validTo).toISOString()}; the server will likely refuse it.`);
  } else if (now < Date.parse(x509.validFrom)) {
    source.log.warn(`The TLS client certificate in the ${names.certificate} secret of ${connector} is valid only from ${new Date(x509.validFrom).toISOString()}; the server will likely refuse it until then.`);
  }
  return { certificate, key };
}

/**
 * What of a client certificate's private key the redactor should know besides the secret as it
 * was stored: the key as sent (a one-line PEM unescaped) and each of its base64 lines, so that no
 * piece of it can be printed.
 */
export function privateKeyMaterial(certificate: TlsClientCertificate): string[] {
  const lines = certificate.key.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [certificate.key, ...lines];
}
