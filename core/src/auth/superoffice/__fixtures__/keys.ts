import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, type JWK } from 'jose';

/** An RSA key pair made for one test run. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateRsaKeyPair(): TestKeyPair {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** The private key as SuperOffice's `<RSAKeyValue>` XML (.NET `ToXmlString(true)`). */
export function toRsaXml(privateKey: KeyObject): string {
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const b64 = (value?: string): string => Buffer.from(value ?? '', 'base64url').toString('base64');
  return [
    '<RSAKeyValue>',
    `<Modulus>${b64(jwk.n)}</Modulus>`,
    `<Exponent>${b64(jwk.e)}</Exponent>`,
    `<P>${b64(jwk.p)}</P>`,
    `<Q>${b64(jwk.q)}</Q>`,
    `<DP>${b64(jwk.dp)}</DP>`,
    `<DQ>${b64(jwk.dq)}</DQ>`,
    `<InverseQ>${b64(jwk.qi)}</InverseQ>`,
    `<D>${b64(jwk.d)}</D>`,
    '</RSAKeyValue>',
  ].join('\n');
}

/** The public JWK of an identity-server key, with a kid, as a `/login/.well-known/jwks` entry. */
export async function toPublicJwk(publicKey: KeyObject, kid: string): Promise<JWK> {
  return { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
}

/** Signs claims as the identity server would (RS256 with a kid). */
export async function signTestJwt(
  privateKey: KeyObject,
  kid: string,
  claims: Record<string, unknown>,
  options: { audience: string; issuedAt: Date; expiresAt: Date },
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer('https://sod.superoffice.com')
    .setAudience(options.audience)
    .setIssuedAt(Math.floor(options.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(options.expiresAt.getTime() / 1000))
    .sign(privateKey);
}
