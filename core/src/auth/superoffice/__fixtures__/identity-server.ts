import { verify } from 'node:crypto';
import nock from 'nock';
import type { JWK } from 'jose';
import { formatSystemTokenTimestamp } from '../sign-system-token.js';
import { generateRsaKeyPair, signTestJwt, toPublicJwk, type TestKeyPair } from './keys.js';

export const LOGIN = 'https://sod.example.test';
export const CLIENT_ID = 'app-client-id';
export const CLIENT_SECRET = 'app-client-secret-xyz';
export const CONTEXT = 'Cust12345';
export const WEBAPI = 'https://sod.example.test/Cust12345/api/';
export const SYSTEM_TOKEN = 'SuperOffice-SystemToken-abc';
export const PREFIX = 'http://schemes.superoffice.net/identity/';

/** The keys of one simulated SuperOffice login server and one partner application. */
export interface IdentityWorld {
  identity: TestKeyPair;
  partner: TestKeyPair;
  jwk: JWK;
  kid: string;
}

export async function createIdentityWorld(): Promise<IdentityWorld> {
  const identity = generateRsaKeyPair();
  const partner = generateRsaKeyPair();
  const kid = 'so-key-1';
  return { identity, partner, kid, jwk: await toPublicJwk(identity.publicKey, kid) };
}

/** An id_token (or ticket JWT) as the login server signs it; override anything for negative tests. */
export async function issueJwt(
  world: IdentityWorld,
  now: Date,
  claims: Record<string, unknown>,
  overrides: { audience?: string; lifetimeSeconds?: number; key?: TestKeyPair; kid?: string } = {},
): Promise<string> {
  return signTestJwt((overrides.key ?? world.identity).privateKey, overrides.kid ?? world.kid, claims, {
    audience: overrides.audience ?? CLIENT_ID,
    issuedAt: now,
    expiresAt: new Date(now.getTime() + (overrides.lifetimeSeconds ?? 3600) * 1000),
  });
}

export function idTokenClaims(): Record<string, unknown> {
  return {
    sub: 'user@example.test',
    [`${PREFIX}ctx`]: CONTEXT,
    [`${PREFIX}webapi_url`]: WEBAPI,
    [`${PREFIX}system_token`]: SYSTEM_TOKEN,
  };
}

export function mockJwks(world: IdentityWorld): nock.Scope {
  return nock(LOGIN).get('/login/.well-known/jwks').reply(200, { keys: [world.jwk] });
}

/** What the Authenticate endpoint saw, for assertions. */
export interface AuthenticateCall {
  body: Record<string, string>;
  signatureValid: boolean;
}

/**
 * The PartnerSystemUser/Authenticate endpoint: checks the signed system token against the
 * partner's public key and the time stamp against `now`, then answers the given ticket JWT.
 */
export function mockAuthenticate(world: IdentityWorld, now: Date, ticketJwt: string, calls: AuthenticateCall[] = []): nock.Scope {
  return nock(LOGIN)
    .post('/Login/api/PartnerSystemUser/Authenticate')
    .reply((_uri, requestBody) => {
      const body = requestBody as Record<string, string>;
      const signed = body.SignedSystemToken ?? '';
      const lastDot = signed.lastIndexOf('.');
      const data = signed.slice(0, lastDot);
      const signatureValid =
        data === `${SYSTEM_TOKEN}.${formatSystemTokenTimestamp(now)}` &&
        verify('sha256', Buffer.from(data), world.partner.publicKey, Buffer.from(signed.slice(lastDot + 1), 'base64'));
      calls.push({ body, signatureValid });
      const ok =
        signatureValid && body.ApplicationToken === CLIENT_SECRET && body.ContextIdentifier === CONTEXT && body.ReturnTokenType === 'JWT';
      return ok
        ? [200, { IsSuccessful: true, ErrorMessage: '', Token: ticketJwt }]
        : [200, { IsSuccessful: false, ErrorMessage: 'Invalid signed system token', Token: null }];
    });
}
