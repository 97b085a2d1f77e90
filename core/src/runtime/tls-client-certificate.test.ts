/**
 * readTlsClientCertificate: the certificate and key a scheme names, read and checked before any
 * request; each bad secret is one sentence naming it, never quoting it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauth2Scheme } from '../auth/schemes/oauth2.js';
import { AuthError } from '../errors.js';
import { MissingSecretError } from '../secrets/missing-secret-error.js';
import { createTestPki, type TestPki } from '../testing/test-pki.js';
import { privateKeyMaterial, readTlsClientCertificate, type TlsClientCertificateSource } from './tls-client-certificate.js';

let pki: TestPki;
let other: TestPki;

beforeAll(() => {
  pki = createTestPki();
  other = createTestPki('other');
});
afterAll(() => {
  pki?.cleanup();
  other?.cleanup();
});

function source(secrets: Record<string, string>, options: Record<string, unknown> = { tls_client_certificate: true }, now = new Date()) {
  const warnings: string[] = [];
  const value: TlsClientCertificateSource = {
    connector: 'acme',
    connection: 'default',
    options,
    secrets,
    log: { warn: (line) => warnings.push(line) },
    now: () => now,
  };
  return { value, warnings };
}

function read(secrets: Record<string, string>, options?: Record<string, unknown>, now?: Date) {
  return readTlsClientCertificate(oauth2Scheme, source(secrets, options, now).value);
}

/** The error `read` throws, checked to quote no key material. */
function failure(secrets: Record<string, string>): AuthError {
  let thrown: unknown;
  try {
    read(secrets);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuthError);
  const error = thrown as AuthError;
  const text = `${error.message} ${error.hint ?? ''}`;
  for (const value of Object.values(secrets)) {
    for (const line of value.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(text).not.toContain(line);
  }
  expect(error.message.split(/(?<=\.) /)).toHaveLength(1);
  return error;
}

describe('readTlsClientCertificate', () => {
  it('presents nothing unless the options ask for it', () => {
    expect(read({ tls_client_cert: pki.client.cert, tls_client_key: pki.client.key }, {})).toBeUndefined();
    expect(read({}, { tls_client_certificate: false, client_auth: 'client_secret_basic' })).toBeUndefined();
    expect(readTlsClientCertificate({}, source({}).value)).toBeUndefined();
  });

  it('returns the certificate and key for tls_client_certificate, and for client_auth tls_client_auth', () => {
    const secrets = { tls_client_cert: pki.client.cert, tls_client_key: pki.client.key };
    expect(read(secrets)).toEqual({ certificate: pki.client.cert, key: pki.client.key });
    expect(read(secrets, { client_auth: 'tls_client_auth' })).toEqual({ certificate: pki.client.cert, key: pki.client.key });
  });

  it('accepts a PEM written on one line with \\n escapes (an environment variable)', () => {
    const oneLine = (pem: string) => pem.trimEnd().replace(/\n/g, '\\n');
    expect(read({ tls_client_cert: oneLine(pki.client.cert), tls_client_key: oneLine(pki.client.key) })).toEqual({
      certificate: pki.client.cert.trimEnd(),
      key: pki.client.key.trimEnd(),
    });
  });

  it('accepts the certificate followed by its chain', () => {
    const chain = pki.client.cert + pki.caCert;
    expect(read({ tls_client_cert: chain, tls_client_key: pki.client.key })?.certificate).toBe(chain);
  });

  it('a missing secret names it and its environment variable', () => {
    expect(() => read({ tls_client_cert: pki.client.cert })).toThrow(MissingSecretError);
    expect(() => read({ tls_client_cert: pki.client.cert })).toThrow(/"tls_client_key" of acme is missing: set CONNECTORS_SECRET_ACME_TLS_CLIENT_KEY/);
  });

  it('a certificate that is not PEM', () => {
    expect(failure({ tls_client_cert: 'not a certificate at all', tls_client_key: pki.client.key }).message).toBe(
      'The tls_client_cert secret of acme is not a PEM certificate (it has no "-----BEGIN CERTIFICATE-----" line).',
    );
  });

  it('a PEM certificate that does not parse', () => {
    const broken = pki.client.cert.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!!!!!!!!!!!!!!!!!');
    expect(failure({ tls_client_cert: broken, tls_client_key: pki.client.key }).message).toBe('The tls_client_cert secret of acme is not a readable PEM certificate.');
  });

  it('the key stored in place of the certificate, and the certificate in place of the key', () => {
    expect(failure({ tls_client_cert: pki.client.key, tls_client_key: pki.client.cert }).message).toMatch(/^The tls_client_cert secret of acme is not a PEM certificate/);
    expect(failure({ tls_client_cert: pki.client.cert, tls_client_key: pki.client.cert }).message).toMatch(/^The tls_client_key secret of acme is not a PEM private key/);
  });

  it('a PEM key that does not parse', () => {
    const broken = pki.client.key.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!!!!!!!!!!!!!!!!!');
    expect(failure({ tls_client_cert: pki.client.cert, tls_client_key: broken }).message).toBe('The tls_client_key secret of acme is not a readable PEM private key.');
  });

  it('an encrypted key says to store it decrypted', () => {
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhVb3ZdfC1zPwICCAAw\n-----END ENCRYPTED PRIVATE KEY-----\n';
    expect(failure({ tls_client_cert: pki.client.cert, tls_client_key: encrypted }).message).toMatch(/^The tls_client_key secret of acme is an encrypted private key; store it decrypted/);
  });

  it('a key that does not belong to the certificate', () => {
    const error = failure({ tls_client_cert: pki.client.cert, tls_client_key: pki.otherKey });
    expect(error.message).toBe('The tls_client_key secret of acme is not the private key of the certificate in tls_client_cert.');
    expect(failure({ tls_client_cert: other.client.cert, tls_client_key: pki.client.key }).message).toMatch(/is not the private key of the certificate/);
  });

  it('warns about an expired certificate, and one not valid yet', () => {
    const secrets = { tls_client_cert: pki.client.cert, tls_client_key: pki.client.key };
    const later = source(secrets, undefined, new Date(Date.now() + 10 * 86_400_000));
    expect(readTlsClientCertificate(oauth2Scheme, later.value)).toBeDefined();
    expect(later.warnings).toEqual([expect.stringMatching(/^The TLS client certificate in the tls_client_cert secret of acme expired on \d{4}-\d\d-\d\dT[\d:.]+Z; the server will likely refuse it\.$/)]);
    const earlier = source(secrets, undefined, new Date(Date.now() - 10 * 86_400_000));
    readTlsClientCertificate(oauth2Scheme, earlier.value);
    expect(earlier.warnings).toEqual([expect.stringMatching(/is valid only from /)]);
    const now = source(secrets);
    readTlsClientCertificate(oauth2Scheme, now.value);
    expect(now.warnings).toEqual([]);
  });

  it("privateKeyMaterial: the key and each of its base64 lines, for the redactor", () => {
    const material = privateKeyMaterial({ certificate: pki.client.cert, key: pki.client.key });
    const body = pki.client.key.split('\n').filter((line) => line && !line.startsWith('-----'));
    expect(material[0]).toBe(pki.client.key);
    expect(material.slice(1)).toEqual(body.filter((line) => line.length >= 16));
    expect(material.slice(1).length).toBeGreaterThan(0);
  });
});
