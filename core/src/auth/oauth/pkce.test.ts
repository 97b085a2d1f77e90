import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl } from './authorize-url.js';
import { calculateCodeChallenge, generateCodeVerifier, generateState } from './pkce.js';

describe('pkce', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(calculateCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
  it('makes fresh 43-character verifiers and states', () => {
    const verifier = generateCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateCodeVerifier()).not.toBe(verifier);
    expect(generateState()).not.toBe(generateState());
  });
});

describe('buildAuthorizationUrl', () => {
  it('sets the code-flow parameters and keeps the query already there', () => {
    const url = buildAuthorizationUrl({
      authorizeUrl: 'https://as.example.com/authorize?tenant=x',
      clientId: 'cid',
      redirectUri: 'http://127.0.0.1:1234/callback',
      scopes: ['openid', 'email'],
      state: 'st',
      codeChallenge: 'ch',
      extraParams: { audience: 'https://api' },
    });
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 'x',
      audience: 'https://api',
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://127.0.0.1:1234/callback',
      scope: 'openid email',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });
  it('sends prompt only when set, and no challenge without PKCE', () => {
    const base = { authorizeUrl: 'https://as.example.com/a', clientId: 'c', redirectUri: 'http://127.0.0.1/callback', state: 's' };
    expect(buildAuthorizationUrl(base).searchParams.has('prompt')).toBe(false);
    expect(buildAuthorizationUrl(base).searchParams.has('code_challenge_method')).toBe(false);
    expect(buildAuthorizationUrl({ ...base, prompt: 'login' }).searchParams.get('prompt')).toBe('login');
  });
});
