import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../../errors.js';

/** The elements of SuperOffice's (.NET's) `<RSAKeyValue>` XML and the JWK members they become. */
const XML_TO_JWK: Record<string, keyof JsonWebKey> = {
  Modulus: 'n',
  Exponent: 'e',
  D: 'd',
  P: 'p',
  Q: 'q',
  DP: 'dp',
  DQ: 'dq',
  InverseQ: 'qi',
};

function unusableKey(reason: string): AuthError {
  return new AuthError(
    `The rsa_private_key secret ${reason}; set it to the application's private key as PEM (PKCS#1 or PKCS#8) or <RSAKeyValue> XML.`,
  );
}

/** A base64 big-endian integer as base64url without leading zero bytes (the JWK form). */
function toBase64UrlInteger(base64: string): string {
  let bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  bytes = bytes.subarray(start);
  return bytes.toString('base64url');
}

/**
 * Converts SuperOffice's `<RSAKeyValue>` private key XML (the form its developer portal hands out)
 * to a private JWK. Every element is a base64 big-endian integer.
 */
export function rsaXmlToJwk(xml: string): JsonWebKey {
  const jwk: JsonWebKey = { kty: 'RSA' };
  for (const [element, member] of Object.entries(XML_TO_JWK)) {
    const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
    if (match?.[1]?.trim()) (jwk as Record<string, string>)[member] = toBase64UrlInteger(match[1]);
  }
  if (!jwk.n || !jwk.e) throw unusableKey('is RSA XML without Modulus and Exponent');
  if (!jwk.d || !jwk.p || !jwk.q || !jwk.dp || !jwk.dq || !jwk.qi) throw unusableKey('is RSA XML without its private part (D, P, Q, DP, DQ, InverseQ)');
  return jwk;
}

/**
 * Reads the partner application's RSA private key: PEM (`RSA PRIVATE KEY` = PKCS#1 or
 * `PRIVATE KEY` = PKCS#8; `\n` escapes from an environment variable are undone) or `<RSAKeyValue>`
 * XML, converted through a JWK.
 */
export function parseRsaPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('<')) {
      key = createPrivateKey({ key: rsaXmlToJwk(trimmed), format: 'jwk' });
    } else if (trimmed.includes('-----BEGIN')) {
      const pem = trimmed.includes('\n') ? trimmed : trimmed.replace(/(\\r)?\\n/g, '\n');
      key = createPrivateKey({ key: pem, format: 'pem' });
    } else {
      throw unusableKey('is neither PEM nor <RSAKeyValue> XML');
    }
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw unusableKey('cannot be read as a private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw unusableKey(`is a ${key.asymmetricKeyType ?? 'non-RSA'} key, not RSA`);
  return key;
}
