/**
 * A failed TLS handshake as words for the user, instead of OpenSSL's
 * `802C...:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:...`:
 * what the server refused (a missing or unwanted client certificate, for mutual TLS) or why its
 * own certificate was not trusted, and what to do.
 */

/** Alerts a server sends when it refuses the client certificate it got (RFC 8446 6.2). */
const REFUSED_CERTIFICATE_ALERTS = new Set([
  'BAD_CERTIFICATE',
  'UNSUPPORTED_CERTIFICATE',
  'CERTIFICATE_REVOKED',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_UNKNOWN',
  'UNKNOWN_CA',
  'ACCESS_DENIED',
]);

/** Node's codes for a server certificate that does not verify against the trusted CAs. */
const UNTRUSTED_SERVER_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

const CLIENT_CERTIFICATE_OPTION = 'the oauth2 option tls_client_certificate with the tls_client_cert and tls_client_key secrets';

/**
 * What went wrong in the handshake, for an error `code` of Node's TLS layer; undefined for any
 * other code. No period at the end: it follows `failed: ` in an `HttpError` message.
 */
export function describeTlsFailure(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code)?.[1];
  if (alert === 'CERTIFICATE_REQUIRED') {
    return `the server requires a TLS client certificate and none was presented (set ${CLIENT_CERTIFICATE_OPTION})`;
  }
  if (alert && REFUSED_CERTIFICATE_ALERTS.has(alert)) {
    return `the server refused the TLS client certificate (TLS alert "${alert.toLowerCase().replace(/_/g, ' ')}"); check that its CA is the one the server trusts and that it has not expired`;
  }
  if (alert === 'HANDSHAKE_FAILURE') {
    return `the server ended the TLS handshake (TLS alert "handshake failure"; a TLS 1.2 server says so for a missing or refused client certificate too: see ${CLIENT_CERTIFICATE_OPTION})`;
  }
  if (alert) return `the server ended the TLS handshake (TLS alert "${alert.toLowerCase().replace(/_/g, ' ')}")`;
  if (UNTRUSTED_SERVER_CODES.has(code)) {
    return `the server's TLS certificate is not trusted (${code}); if a private CA issued it, add that CA's PEM file with the NODE_EXTRA_CA_CERTS environment variable`;
  }
  if (code === 'CERT_HAS_EXPIRED') return "the server's TLS certificate has expired (CERT_HAS_EXPIRED)";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "the server's TLS certificate is not issued for this host name (ERR_TLS_CERT_ALTNAME_INVALID)";
  return undefined;
}
