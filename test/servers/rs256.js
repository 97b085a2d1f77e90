// @ts-check
/**
 * RS256 helpers for the SuperOffice test server and its tests: JWT signing, the JWKS form of a
 * public key, SuperOffice's signed system token, and the `<RSAKeyValue>` XML form of a private key
 * (the form SuperOffice hands partner apps).
 */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';

/**
 * A fresh 2048-bit RSA key pair.
 * @param {string} [kid]
 * @returns {{ kid: string, privateKey: import('node:crypto').KeyObject, publicKey: import('node:crypto').KeyObject,
 *   privateKeyPem: string, privateKeyPkcs8Pem: string, publicKeyPem: string, privateKeyXml: string }}
 */
export function generateRsaKeys(kid = `k-${Math.random().toString(36).slice(2, 10)}`) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    publicKey,
    privateKeyPem: /** @type {string} */ (privateKey.export({ type: 'pkcs1', format: 'pem' })),
    privateKeyPkcs8Pem: /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' })),
    publicKeyPem: /** @type {string} */ (publicKey.export({ type: 'spki', format: 'pem' })),
    privateKeyXml: exportRsaXml(privateKey),
  };
}

/**
 * The .NET `<RSAKeyValue>` XML of a private key (standard base64, big-endian, as RSA.ToXmlString(true) writes it).
 * @param {import('node:crypto').KeyObject} privateKey
 */
export function exportRsaXml(privateKey) {
  const jwk = privateKey.export({ format: 'jwk' });
  const b64 = (/** @type {string | undefined} */ v) => Buffer.from(v ?? '', 'base64url').toString('base64');
  return (
    '<RSAKeyValue>' +
    `<Modulus>${b64(jwk.n)}</Modulus><Exponent>${b64(jwk.e)}</Exponent>` +
    `<P>${b64(jwk.p)}</P><Q>${b64(jwk.q)}</Q><DP>${b64(jwk.dp)}</DP><DQ>${b64(jwk.dq)}</DQ>` +
    `<InverseQ>${b64(jwk.qi)}</InverseQ><D>${b64(jwk.d)}</D>` +
    '</RSAKeyValue>'
  );
}

/**
 * The JWK of a public key, for a JWKS document.
 * @param {import('node:crypto').KeyObject} publicKey
 * @param {string} kid
 */
export function publicJwk(publicKey, kid) {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e };
}

/**
 * Signs a JWT with RS256.
 * @param {Record<string, unknown>} claims
 * @param {import('node:crypto').KeyObject} privateKey
 * @param {string} kid
 */
export function signJwtRs256(claims, privateKey, kid) {
  const encode = (/** @type {unknown} */ v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/**
 * The claims of a JWT, unverified (for tests that inspect what a server issued).
 * @param {string} jwt
 * @returns {Record<string, unknown>}
 */
export function decodeJwtClaims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/**
 * The UTC `yyyyMMddHHmm` stamp SuperOffice's signed system token carries.
 * @param {Date} date
 */
export function systemTokenStamp(date) {
  return date.toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

/**
 * Signs a SuperOffice system token: `<systemToken>.<yyyyMMddHHmm>.<base64 RSA-SHA256 signature>`.
 * @param {string} systemToken
 * @param {import('node:crypto').KeyObject | string} privateKey
 * @param {Date} [now]
 */
export function signSystemToken(systemToken, privateKey, now = new Date()) {
  const payload = `${systemToken}.${systemTokenStamp(now)}`;
  return `${payload}.${createSign('RSA-SHA256').update(payload).sign(privateKey).toString('base64')}`;
}

/**
 * Checks a signed system token. Returns null when it is good, else the reason.
 * @param {string} signed
 * @param {string} systemToken the expected system token
 * @param {import('node:crypto').KeyObject | string} publicKey
 * @param {number} toleranceMinutes how far the stamp may be from now
 * @param {Date} [now]
 */
export function checkSignedSystemToken(signed, systemToken, publicKey, toleranceMinutes, now = new Date()) {
  const lastDot = signed.lastIndexOf('.');
  if (lastDot < 0) return 'The signed system token is malformed.';
  const payload = signed.slice(0, lastDot);
  const signature = Buffer.from(signed.slice(lastDot + 1), 'base64');
  const stampDot = payload.lastIndexOf('.');
  const token = payload.slice(0, stampDot);
  const stamp = payload.slice(stampDot + 1);
  if (stampDot < 0 || token !== systemToken) return 'Unknown system token.';
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!match) return 'The time stamp of the signed system token is malformed.';
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]));
  if (Math.abs(now.getTime() - at) > toleranceMinutes * 60_000) return 'The signed system token has expired.';
  if (!createVerify('RSA-SHA256').update(payload).verify(publicKey, signature)) return 'The signature of the system token is not valid.';
  return null;
}
