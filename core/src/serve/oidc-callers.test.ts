import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { MemoryStore } from '../secrets/memory-store.js';
import { startTestIssuer, type TestIssuer } from './__fixtures__/oidc-issuer.js';
import { createCallerAuthenticator, type OidcCallerConfig } from './callers.js';
import { createOidcCallerVerifier } from './oidc-callers.js';

let issuer: TestIssuer;
let other: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  other = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
  await other.close();
});

const declared = (overrides: Partial<OidcCallerConfig> = {}): OidcCallerConfig => ({
  name: 'ci',
  issuer: issuer.url,
  audience: 'connectors',
  subject: 'workload-1',
  allow: ['tripletex/*'],
  ...overrides,
});

function authenticator(configs: OidcCallerConfig[], now?: () => number) {
  return createCallerAuthenticator({ store: new MemoryStore(), oidcCallers: configs, ...(now ? { now } : {}) });
}

const seconds = () => Math.floor(Date.now() / 1000);

describe('OIDC callers', () => {
  it('accept a token of the declared issuer, audience and subject, with the entry\'s grants', async () => {
    const auth = authenticator([declared({ credentials: true })]);
    expect(await auth.authenticate(`Bearer ${await issuer.sign({})}`)).toEqual({
      name: 'ci',
      kind: 'oidc',
      allow: ['tripletex/*'],
      credentials: true,
      metrics: false,
    });
    expect(issuer.requests).toContain('/.well-known/openid-configuration');
  });

  it('match sub as a glob, and pick the entry whose audience and subject fit', async () => {
    const auth = authenticator([
      declared({ name: 'deploy', subject: 'repo:acme/app:ref:refs/heads/*' }),
      declared({ name: 'other-aud', audience: 'elsewhere', subject: '*' }),
    ]);
    expect(await auth.authenticate(`Bearer ${await issuer.sign({ sub: 'repo:acme/app:ref:refs/heads/main' })}`)).toMatchObject({ name: 'deploy' });
    expect(await auth.authenticate(`Bearer ${await issuer.sign({ sub: 'repo:acme/other:ref:refs/heads/main' })}`)).toBeUndefined();
    expect(await auth.authenticate(`Bearer ${await issuer.sign({ sub: 'x', aud: ['elsewhere', 'more'] })}`)).toMatchObject({ name: 'other-aud' });
  });

  it('refuse another issuer, a forged iss, a wrong audience or subject, and a missing sub or exp', async () => {
    const auth = authenticator([declared()]);
    const tokens = [
      await other.sign({}), // another issuer, not declared
      await other.sign({ iss: issuer.url }), // claims the declared issuer, signed with another key
      await issuer.sign({ aud: 'someone-else' }),
      await issuer.sign({ sub: 'workload-2' }),
      await issuer.sign({ sub: 'workload-1x' }),
      await issuer.sign({}, { omit: ['sub'] }),
      await issuer.sign({}, { omit: ['exp'] }),
      await issuer.sign({}, { kid: 'unknown' }),
    ];
    for (const token of tokens) expect(await auth.authenticate(`Bearer ${token}`)).toBeUndefined();
  });

  it('refuse an HS256 token made with a guessable secret, a tampered payload and garbage', async () => {
    const auth = authenticator([declared()]);
    const hs = await new SignJWT({ iss: issuer.url, aud: 'connectors', sub: 'workload-1', exp: seconds() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    const [head, , signature] = (await issuer.sign({ sub: 'workload-2' })).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: issuer.url, aud: 'connectors', sub: 'workload-1', exp: seconds() + 300 })).toString('base64url');
    for (const token of [hs, `${head}.${payload}.${signature}`, 'a.b.c', 'not-a-jwt', `${head}.${payload}.`]) {
      expect(await auth.authenticate(`Bearer ${token}`)).toBeUndefined();
    }
  });

  it('allow 60 s of clock difference on exp and nbf, not more', async () => {
    const token = await issuer.sign({ iat: seconds() - 100, exp: seconds(), nbf: seconds() - 100 });
    const at = (offsetSeconds: number) => authenticator([declared()], () => Date.now() + offsetSeconds * 1000);
    expect(await at(50).authenticate(`Bearer ${token}`)).toMatchObject({ name: 'ci' });
    expect(await at(75).authenticate(`Bearer ${token}`)).toBeUndefined();
    const early = await issuer.sign({ nbf: seconds() + 50 });
    expect(await at(0).authenticate(`Bearer ${early}`)).toMatchObject({ name: 'ci' });
    const tooEarly = await issuer.sign({ nbf: seconds() + 120 });
    expect(await at(0).authenticate(`Bearer ${tooEarly}`)).toBeUndefined();
  });

  it('refuse every token of an issuer whose discovery document names another issuer', async () => {
    const liar = await startTestIssuer();
    liar.issuerClaim = issuer.url;
    try {
      expect(await authenticator([declared({ issuer: liar.url })]).authenticate(`Bearer ${await liar.sign({})}`)).toBeUndefined();
    } finally {
      await liar.close();
    }
  });

  it('refuse tokens of an issuer that does not answer, without throwing', async () => {
    const gone = await startTestIssuer();
    const token = await gone.sign({});
    const url = gone.url;
    await gone.close();
    expect(await authenticator([declared({ issuer: url })]).authenticate(`Bearer ${token}`)).toBeUndefined();
  });

  it('are checked at startup: http only on loopback, valid names and globs', () => {
    expect(() => createOidcCallerVerifier([declared({ issuer: 'http://issuer.example.com' })])).toThrow(UsageError);
    expect(() => createOidcCallerVerifier([declared({ issuer: 'http://issuer.example.com' })])).toThrow(
      /serve\.oidc_callers\[0\]\.issuer "http:\/\/issuer\.example\.com" must be https \(http only on a loopback host\)\./,
    );
    expect(() => createOidcCallerVerifier([declared(), declared({ allow: ['tripletex'] })])).toThrow(/serve\.oidc_callers\[1\]\.allow "tripletex"/);
    expect(() => createOidcCallerVerifier([declared({ name: 'a b' })])).toThrow(/serve\.oidc_callers\[0\]\.name/);
    expect(() => createOidcCallerVerifier([declared({ audience: '' })])).toThrow(/audience/);
    expect(() => createOidcCallerVerifier([declared({ issuer: 'not a url' })])).toThrow(/is not a URL/);
    for (const ok of ['https://issuer.example.com', 'http://localhost:9000', 'http://127.0.0.1:1', 'http://[::1]:8080']) {
      expect(() => createOidcCallerVerifier([declared({ issuer: ok })])).not.toThrow();
    }
  });
});
