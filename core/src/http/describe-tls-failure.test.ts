import { describe, expect, it } from 'vitest';
import { describeTlsFailure } from './describe-tls-failure.js';

describe('describeTlsFailure', () => {
  it('a missing client certificate (TLS 1.3 certificate_required) names the option and secrets', () => {
    expect(describeTlsFailure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')).toBe(
      'the server requires a TLS client certificate and none was presented (set the oauth2 option tls_client_certificate with the tls_client_cert and tls_client_key secrets)',
    );
  });

  it('a refused client certificate names the alert', () => {
    expect(describeTlsFailure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).toMatch(/^the server refused the TLS client certificate \(TLS alert "unknown ca"\); check /);
    expect(describeTlsFailure('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE')).toMatch(/\(TLS alert "bad certificate"\)/);
    expect(describeTlsFailure('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED')).toMatch(/\(TLS alert "certificate expired"\)/);
  });

  it('a TLS 1.2 handshake failure mentions the client certificate, other alerts are named', () => {
    expect(describeTlsFailure('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')).toMatch(/^the server ended the TLS handshake \(TLS alert "handshake failure"; .*tls_client_certificate/);
    expect(describeTlsFailure('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION')).toBe('the server ended the TLS handshake (TLS alert "protocol version")');
  });

  it("the server's own certificate: untrusted, expired, for another host", () => {
    expect(describeTlsFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toMatch(/not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); .*NODE_EXTRA_CA_CERTS/);
    expect(describeTlsFailure('SELF_SIGNED_CERT_IN_CHAIN')).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(describeTlsFailure('CERT_HAS_EXPIRED')).toBe("the server's TLS certificate has expired (CERT_HAS_EXPIRED)");
    expect(describeTlsFailure('ERR_TLS_CERT_ALTNAME_INVALID')).toMatch(/not issued for this host name/);
  });

  it('other codes are left to the caller', () => {
    expect(describeTlsFailure('ECONNRESET')).toBeUndefined();
    expect(describeTlsFailure(undefined)).toBeUndefined();
  });
});
