import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import type { HttpResponse } from '../../plugin-api.js';
import { applyClientAuth, clientSecretBasicHeader } from './client-auth.js';
import { createJwtAssertion } from './jwt-assertion.js';
import { parseExpiresAt, processTokenResponse } from './token-request.js';

function answer(status: number, body: unknown): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, url: 'https://as.example.com/token', headers: {}, body: text, json: () => JSON.parse(text) };
}

describe('processTokenResponse', () => {
  it('reads every field', () => {
    const tokens = processTokenResponse(
      answer(200, { access_token: 'a', token_type: 'Bearer', expires_in: '120', refresh_token: 'r', scope: 's', id_token: 'i' }),
    );
    expect(tokens).toMatchObject({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 120, refreshToken: 'r', scope: 's', idToken: 'i' });
  });
  it('assumes Bearer without token_type', () => {
    expect(processTokenResponse(answer(200, { access_token: 'a' })).tokenType).toBe('Bearer');
  });
  it('turns error answers into AuthErrors with the provider fields', () => {
    const error = (() => {
      try {
        processTokenResponse(answer(400, { error: 'invalid_scope' }));
      } catch (e) {
        return e as AuthError;
      }
    })()!;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe('The token endpoint https://as.example.com/token refused the request with status 400: invalid_scope.');
    expect(error.providerError).toBe('invalid_scope');
  });
  it('treats an error field in a 200 answer as an error', () => {
    expect(() => processTokenResponse(answer(200, { error: 'server_error' }))).toThrow(/status 200: server_error/);
  });
  it('names a status without an OAuth error', () => {
    expect(() => processTokenResponse(answer(500, { oops: true }))).toThrow(/status 500: no OAuth error code/);
  });
  it('names the bad field', () => {
    expect(() => processTokenResponse(answer(200, { access_token: '' }))).toThrow(/valid access_token/);
    expect(() => processTokenResponse(answer(200, { access_token: 'a', token_type: 1 }))).toThrow(/valid token_type/);
    expect(() => processTokenResponse(answer(200, { access_token: 'a', refresh_token: 5 }))).toThrow(/valid refresh_token/);
    expect(() => processTokenResponse(answer(200, { access_token: 'a', expires_in: -1 }))).toThrow(/valid expires_in/);
    expect(() => processTokenResponse(answer(200, ['a']))).toThrow(/not an object/);
  });
});

describe('client auth', () => {
  it('form-encodes id and secret before base64 (RFC 6749 2.3.1)', () => {
    const header = clientSecretBasicHeader({ clientId: 'a b', clientSecret: 'p:w/+%' });
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('a+b:p%3Aw%2F%2B%25');
  });
  it('puts client_secret_post credentials in the form', () => {
    const request = { form: {} as Record<string, string>, headers: {} as Record<string, string> };
    applyClientAuth('client_secret_post', { clientId: 'id', clientSecret: 'sec' }, request);
    expect(request).toEqual({ form: { client_id: 'id', client_secret: 'sec' }, headers: {} });
  });
});

describe('createJwtAssertion', () => {
  it('signs with ES256 for a P-256 key and PKCS#1 RSA PEMs work too', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = new Date('2025-01-01T00:00:00Z');
    const jwt = await createJwtAssertion({ clientId: 'c', audience: 'https://as/token', privateKey: ec, now, keyId: 'k1' });
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', kid: 'k1' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(rsa).toContain('BEGIN RSA PRIVATE KEY');
    expect(decodeProtectedHeader(await createJwtAssertion({ clientId: 'c', audience: 'a', privateKey: rsa, now })).alg).toBe('RS256');
  });
});

describe('processTokenResponse with token_response paths', () => {
  it('reads moved fields and leaves the others at their RFC names', () => {
    const tokens = processTokenResponse(answer(200, { data: { token: 'a', kind: 'mac' }, refresh_token: 'r', expires_in: 90 }), {
      paths: { access_token: 'data.token', token_type: 'data.kind' },
    });
    expect(tokens).toMatchObject({ accessToken: 'a', tokenType: 'mac', refreshToken: 'r', expiresIn: 90 });
  });
  it('does not read inherited properties', () => {
    expect(() => processTokenResponse(answer(200, { access_token: 'a', data: {} }), { paths: { access_token: 'data.constructor' } })).toThrow(/access_token \(at data\.constructor\)/);
  });
  it('converts milliseconds', () => {
    expect(processTokenResponse(answer(200, { access_token: 'a', expires_in: 1500 }), { expiresInUnit: 'ms' }).expiresIn).toBe(1.5);
  });
});

describe('parseExpiresAt', () => {
  it('reads epoch seconds as a number or digits, and ISO-8601 times', () => {
    expect(parseExpiresAt(1700000000)).toEqual(new Date(1700000000_000));
    expect(parseExpiresAt('1700000000')).toEqual(new Date(1700000000_000));
    expect(parseExpiresAt('2025-03-01T12:00:00+01:00')).toEqual(new Date('2025-03-01T11:00:00Z'));
    expect(parseExpiresAt('2025-03-01T12:00:00.5Z')).toEqual(new Date('2025-03-01T12:00:00.500Z'));
  });
  it('refuses what is no time', () => {
    for (const value of ['soon', '', 'Tue, 01 Mar 2025 12:00:00 GMT', -5, true, {}]) expect(parseExpiresAt(value)).toBeUndefined();
  });
});
