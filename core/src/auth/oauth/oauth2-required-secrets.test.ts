import { describe, expect, it } from 'vitest';
import { oauth2SecretsFor } from './oauth2-required-secrets.js';

const needed = (options: Record<string, unknown>): string[] =>
  oauth2SecretsFor(options).map((spec) => (spec.optional ? `${spec.name}?` : spec.name));

describe('oauth2SecretsFor', () => {
  it('asks a confidential client for its id and secret', () => {
    expect(needed({ grant_type: 'client_credentials', token_url: 'https://a/token' })).toEqual(['client_id', 'client_secret']);
    expect(needed({})).toEqual(['client_id', 'client_secret']);
  });

  it('asks a public client (client_auth none) for its id only', () => {
    expect(needed({ client_auth: 'none' })).toEqual(['client_id']);
  });

  it('asks private_key_jwt for the signing key instead of the secret, and a federated assertion for neither', () => {
    expect(needed({ client_auth: 'private_key_jwt' })).toEqual(['client_id', 'client_private_key']);
    expect(needed({ client_assertion: { file: '/var/run/token' } })).toEqual(['client_id']);
  });

  it('asks the password grant for the resource owner too', () => {
    expect(needed({ grant_type: 'password' })).toEqual(['client_id', 'client_secret', 'username', 'password']);
  });

  it('leaves jwt_bearer to choose between a service account key and client_id with a PEM', () => {
    expect(needed({ grant_type: 'jwt_bearer' })).toEqual(['client_id?', 'client_secret?', 'service_account_json?']);
  });

  it('leaves the client optional with discovery: mcp, where auth login registers one (RFC 7591)', () => {
    expect(needed({ discovery: 'mcp', resource: 'https://mcp.example.com/mcp' })).toEqual(['client_id?', 'client_secret?']);
    expect(needed({ discovery: 'mcp', resource: 'https://mcp.example.com/mcp', client_auth: 'none' })).toEqual(['client_id?', 'client_secret?']);
  });

  it('asks mutual TLS for the client certificate and its key, and tls_client_auth for no client_secret', () => {
    expect(needed({ grant_type: 'client_credentials', tls_client_certificate: true })).toEqual(['client_id', 'client_secret', 'tls_client_cert', 'tls_client_key']);
    expect(needed({ client_auth: 'tls_client_auth' })).toEqual(['client_id', 'tls_client_cert', 'tls_client_key']);
    expect(needed({ client_auth: 'tls_client_auth', tls_client_certificate: true })).toEqual(['client_id', 'tls_client_cert', 'tls_client_key']);
    expect(needed({ grant_type: 'jwt_bearer', tls_client_certificate: true })).toEqual(['client_id?', 'client_secret?', 'service_account_json?', 'tls_client_cert', 'tls_client_key']);
    expect(needed({ tls_client_certificate: false })).toEqual(['client_id', 'client_secret']);
  });
});
