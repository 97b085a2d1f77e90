import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { generateRsaKeyPair, toPublicJwk } from './__fixtures__/keys.js';
import { verifySuperOfficeJwt } from './verify-superoffice-jwt.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe('verifySuperOfficeJwt', async () => {
  const pair = generateRsaKeyPair();
  const jwks = { keys: [await toPublicJwk(pair.publicKey, 'k1')] };
  const check = { jwks, audiences: ['client'], now: NOW, what: 'id_token' };
  const sign = (claims: Record<string, unknown>, alg = 'RS256') =>
    new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).sign(pair.privateKey);

  it('returns the claims of a valid token and tolerates a server clock a few seconds ahead', async () => {
    const token = await sign({ aud: 'client', iat: seconds(NOW) + 10, nbf: seconds(NOW) + 10, exp: seconds(NOW) + 600, x: 1 });
    await expect(verifySuperOfficeJwt(token, check)).resolves.toMatchObject({ x: 1 });
  });

  it('rejects a token without exp, one past exp beyond the tolerance, and one signed with another algorithm', async () => {
    await expect(verifySuperOfficeJwt(await sign({ aud: 'client' }), check)).rejects.toThrow(/id_token has no "exp" claim/);
    await expect(verifySuperOfficeJwt(await sign({ aud: 'client', exp: seconds(NOW) - 31 }), check)).rejects.toThrow(/id_token has expired/);
    const ps256 = await sign({ aud: 'client', exp: seconds(NOW) + 600 }, 'PS256');
    const error = await verifySuperOfficeJwt(ps256, check).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/not signed with RS256/);
  });
});
