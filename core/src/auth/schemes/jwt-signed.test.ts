import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import type { AuthContext, OutgoingRequest, Session } from '../../plugin-api.js';
import { isDueForRenewal } from '../../sessions/renewal-window.js';
import { jwtSignedScheme } from './jwt-signed.js';

const NOW = new Date('2026-02-03T04:05:06Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const GHOST_ID = '6489a1b2c3d4e5f60718293a';
const GHOST_SECRET = randomBytes(32).toString('hex');
const GHOST_KEY = `${GHOST_ID}:${GHOST_SECRET}`;

function makeContext(options: Record<string, unknown>, secrets: Record<string, string>, now = NOW): AuthContext {
  return {
    connector: 'acme',
    connection: 'default',
    options: { claims: {}, lifetime: 300, key_encoding: 'utf8', ...options },
    secrets,
    config: { issuer_id: '57246542-96fe-1a63-e053-0824d011072a', key_id: '2X9R4HXF34', tenant: '' },
    http: { request: () => Promise.reject(new Error('no HTTP expected')) },
    log: { debug() {}, info() {}, warn() {} },
    now: () => now,
  };
}

const outgoing = (): OutgoingRequest => ({ method: 'GET', url: new URL('https://api.example.test/v1/apps?limit=5'), headers: {} });

async function signedToken(options: Record<string, unknown>, secrets: Record<string, string>): Promise<{ token: string; session: Session }> {
  const session = await jwtSignedScheme.authenticate(makeContext(options, secrets));
  return { token: session.secrets.jwt_signed_token!, session };
}

/** Verifies with jose at the signing time and returns the header and claims. */
async function verify(token: string, key: KeyObject | Uint8Array, algorithms: string[]) {
  const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms, currentDate: NOW });
  return { payload, header: protectedHeader };
}

async function authError(options: Record<string, unknown>, secrets: Record<string, string>): Promise<AuthError> {
  const error = await jwtSignedScheme.authenticate(makeContext(options, secrets)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  for (const value of Object.values(secrets)) if (value.length >= 4) expect((error as Error).message).not.toContain(value);
  expect((error as Error).message).toMatch(/^[^\n]+\.$/);
  return error as AuthError;
}

describe('jwt_signed scheme: signing', () => {
  it('signs an App Store Connect token: ES256, kid, iss, aud, exp = iat + lifetime; the session expires at exp', async () => {
    const { token, session } = await signedToken(
      { alg: 'ES256', kid: '{{ config.key_id }}', claims: { iss: '{{ config.issuer_id }}', aud: 'appstoreconnect-v1', scope: ['GET /v1/apps'] }, lifetime: 1200 },
      { private_key: pem(ec256.privateKey) },
    );
    const { payload, header } = await verify(token, ec256.publicKey, ['ES256']);
    expect(header).toEqual({ alg: 'ES256', kid: '2X9R4HXF34', typ: 'JWT' });
    expect(payload).toEqual({ iss: '57246542-96fe-1a63-e053-0824d011072a', aud: 'appstoreconnect-v1', scope: ['GET /v1/apps'], iat: NOW_S, exp: NOW_S + 1200 });
    expect(session.issuedAt).toEqual(NOW);
    expect(session.expiresAt).toEqual(new Date((NOW_S + 1200) * 1000));
  });

  it("signs a Ghost Admin token: the key's id is the kid, the hex secret decoded is the HS256 key", async () => {
    const { token } = await signedToken({ alg: 'HS256', key_encoding: 'hex', key_id_separator: ':', claims: { aud: '/admin/' } }, { signing_key: GHOST_KEY });
    const { payload, header } = await verify(token, createSecretKey(Buffer.from(GHOST_SECRET, 'hex')), ['HS256']);
    expect(header).toEqual({ alg: 'HS256', kid: GHOST_ID, typ: 'JWT' });
    expect(payload).toEqual({ aud: '/admin/', iat: NOW_S, exp: NOW_S + 300 });
    await expect(jwtVerify(token, new TextEncoder().encode(GHOST_SECRET), { currentDate: NOW })).rejects.toThrow(/signature/);
  });

  it('reads utf8 and base64 (standard and URL-safe) HMAC keys, HS384 and HS512', async () => {
    const raw = randomBytes(64);
    const text = 'a-shared-secret-of-more-than-48-characters-0123456789';
    for (const [alg, encoding, stored, key] of [
      ['HS256', 'utf8', text, Buffer.from(text)],
      ['HS384', 'base64', raw.toString('base64'), raw],
      ['HS512', 'base64', raw.toString('base64url'), raw],
    ] as const) {
      const { token } = await signedToken({ alg, key_encoding: encoding }, { signing_key: stored });
      expect((await verify(token, createSecretKey(key), [alg])).header.alg).toBe(alg);
    }
  });

  it('signs RS256, PS256, ES384 and EdDSA with their PEM keys, one-line PEMs with \\n escapes too', async () => {
    for (const [alg, pair] of [
      ['RS256', rsa],
      ['PS256', rsa],
      ['ES384', ec384],
      ['EdDSA', ed],
    ] as const) {
      const { token } = await signedToken({ alg, claims: { sub: 'svc' } }, { private_key: pem(pair.privateKey) });
      expect((await verify(token, pair.publicKey, [alg])).payload.sub).toBe('svc');
    }
    const oneLine = pem(ec256.privateKey).trim().replace(/\n/g, '\\n');
    const { token } = await signedToken({ alg: 'ES256' }, { private_key: oneLine });
    await verify(token, ec256.publicKey, ['ES256']);
  });

  it('renders claims with secrets and {{ now | unix }} at the context clock; claims may set iat and exp', async () => {
    const { token, session } = await signedToken(
      { alg: 'HS256', claims: { sub: '{{ secrets.user }}', iat: '{{ now | unix }}', nbf: '{{ now | unix }}', exp: '1770091806' } },
      { signing_key: 'k'.repeat(32), user: 'user-42' },
    );
    const { payload } = await verify(token, createSecretKey(Buffer.from('k'.repeat(32))), ['HS256']);
    expect(payload).toEqual({ sub: 'user-42', iat: NOW_S, nbf: NOW_S, exp: 1770091806 });
    expect(session.expiresAt).toEqual(new Date(1770091806 * 1000));
  });

  it('adds header fields (typ replaced), and an explicit kid wins over the key id', async () => {
    const { token } = await signedToken(
      { alg: 'HS256', key_encoding: 'hex', key_id_separator: ':', kid: 'explicit', header: { typ: 'at+jwt', cty: '{{ config.key_id }}' } },
      { signing_key: GHOST_KEY },
    );
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'explicit', typ: 'at+jwt', cty: '2X9R4HXF34' });
  });

  it('is due for renewal within refresh_before of exp, and a renewal signs a new token', async () => {
    const context = makeContext({ alg: 'ES256', lifetime: 1200 }, { private_key: pem(ec256.privateKey) });
    const first = await jwtSignedScheme.authenticate(context);
    expect(isDueForRenewal(first, new Date(NOW.getTime() + 1139_000), 60)).toBe(false);
    expect(isDueForRenewal(first, new Date(NOW.getTime() + 1141_000), 60)).toBe(true);
    const later = new Date(NOW.getTime() + 1141_000);
    const second = await jwtSignedScheme.authenticate(makeContext({ alg: 'ES256', lifetime: 1200 }, { private_key: pem(ec256.privateKey) }, later), first);
    expect(second.secrets.jwt_signed_token).not.toBe(first.secrets.jwt_signed_token);
    expect(second.issuedAt).toEqual(new Date(Math.floor(later.getTime() / 1000) * 1000));
  });
});

describe('jwt_signed scheme: apply', () => {
  it('sends Authorization: Bearer <jwt> by default', async () => {
    const context = makeContext({ alg: 'HS256' }, { signing_key: 'k'.repeat(32) });
    const session = await jwtSignedScheme.authenticate(context);
    const request = outgoing();
    await jwtSignedScheme.apply(request, session, context);
    expect(request.headers).toEqual({ Authorization: `Bearer ${session.secrets.jwt_signed_token}` });
  });

  it("applies Ghost's prefix and query parameters from the apply block; an empty entry is left out", async () => {
    const context = makeContext(
      { alg: 'HS256', apply: { headers: { Authorization: 'Ghost {{ session.token }}', 'x-tenant': '{{ config.tenant }}' }, query: { key_id: '{{ config.key_id }}' } } },
      { signing_key: 'k'.repeat(32) },
    );
    const session = await jwtSignedScheme.authenticate(context);
    const request = outgoing();
    await jwtSignedScheme.apply(request, session, context);
    expect(request.headers).toEqual({ Authorization: `Ghost ${session.secrets.jwt_signed_token}` });
    expect(request.url.searchParams.get('key_id')).toBe('2X9R4HXF34');
    expect(request.url.searchParams.get('limit')).toBe('5');
  });
});

describe('jwt_signed scheme: secrets', () => {
  it('needs signing_key for HS algorithms and private_key for the others', () => {
    expect(jwtSignedScheme.requiredSecrets.map((s) => s.name)).toEqual(['signing_key', 'private_key']);
    expect(jwtSignedScheme.requiredSecretsFor!({ alg: 'HS256' }).map((s) => [s.name, s.optional])).toEqual([['signing_key', false]]);
    expect(jwtSignedScheme.requiredSecretsFor!({ alg: 'ES256' }).map((s) => [s.name, s.optional])).toEqual([['private_key', false]]);
    expect(jwtSignedScheme.requiredSecretsFor!({ alg: 'EdDSA' }).map((s) => s.name)).toEqual(['private_key']);
  });
});

describe('jwt_signed scheme: bad keys are one sentence without the key', () => {
  it('a public key, a certificate-like text, garbage and an encrypted key are not private keys', async () => {
    const publicPem = ec256.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await authError({ alg: 'ES256' }, { private_key: publicPem })).message).toBe(
      'The private_key secret of acme is a public key or certificate, not a private key; store the PEM private key.',
    );
    expect((await authError({ alg: 'ES256' }, { private_key: 'not-a-pem-at-all-0000' })).message).toMatch(/^The private_key secret of acme is not a PEM private key; /);
    const encrypted = ec256.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass-phrase-1' }).toString();
    expect((await authError({ alg: 'ES256' }, { private_key: encrypted })).message).toMatch(/is an encrypted private key; store it decrypted/);
  });

  it('a key of the wrong type or curve names what the alg needs', async () => {
    expect((await authError({ alg: 'ES256' }, { private_key: pem(rsa.privateKey) })).message).toBe('The private_key secret of acme is an RSA key; ES256 needs an EC P-256 key.');
    expect((await authError({ alg: 'ES256' }, { private_key: pem(ec384.privateKey) })).message).toBe('The private_key secret of acme is an EC P-384 key; ES256 needs an EC P-256 key.');
    expect((await authError({ alg: 'RS256' }, { private_key: pem(ed.privateKey) })).message).toBe('The private_key secret of acme is an Ed25519 key; RS256 needs an RSA key.');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect((await authError({ alg: 'PS256' }, { private_key: pem(small.privateKey) })).message).toMatch(/needs an RSA key of 2048 bits or more\.$/);
  });

  it('an HMAC key that is too short, not hex, not base64, or without the id separator', async () => {
    expect((await authError({ alg: 'HS256' }, { signing_key: 'short-secret-123' })).message).toBe('The signing_key secret of acme is 16 bytes long; HS256 needs a key of at least 32 bytes.');
    expect((await authError({ alg: 'HS512', key_encoding: 'hex' }, { signing_key: GHOST_SECRET })).message).toMatch(/is 32 bytes long; HS512 needs a key of at least 64 bytes\.$/);
    expect((await authError({ alg: 'HS256', key_encoding: 'hex' }, { signing_key: `${GHOST_SECRET.slice(0, -1)}z` })).message).toMatch(/^The signing_key secret of acme is not hex \(key_encoding: hex\)/);
    expect((await authError({ alg: 'HS256', key_encoding: 'base64' }, { signing_key: 'not base64 at all!' })).message).toMatch(/is not base64/);
    expect((await authError({ alg: 'HS256', key_encoding: 'hex', key_id_separator: ':' }, { signing_key: GHOST_SECRET })).message).toMatch(
      /is not `<id>:<key>` \(key_id_separator: ":"\); store the whole key as the provider gives it\.$/,
    );
  });

  it('an unsupported alg, HMAC options with a PEM alg, and a non-numeric exp', async () => {
    expect((await authError({ alg: 'none' }, { signing_key: 'k'.repeat(32) })).message).toMatch(/^The alg "none" of acme is not supported; use one of HS256, /);
    expect((await authError({ alg: 'ES256', key_encoding: 'hex' }, { private_key: pem(ec256.privateKey) })).message).toMatch(/are for HS256, HS384 and HS512/);
    expect((await authError({ alg: 'HS256', claims: { exp: 'tomorrow' } }, { signing_key: 'k'.repeat(32) })).message).toMatch(/auth\.claims\.exp\) must be epoch seconds/);
    expect((await authError({ alg: 'HS256', claims: { iat: 100, exp: 50 } }, { signing_key: 'k'.repeat(32) })).message).toMatch(/`exp` must come after `iat`/);
  });
});
