/**
 * The key a jwt_signed connection signs with, from its secrets: the HMAC key of `signing_key`
 * (text, hex or base64, optionally behind an id and a separator) or the PEM private key of
 * `private_key`, checked against `alg` so a wrong key is one sentence before anything is sent.
 * No message names or quotes the key.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../../errors.js';
import { unescapePem } from '../login/sign-login-assertion.js';
import { isHmacAlgorithm, PRIVATE_KEY_SECRET, SIGNING_KEY_SECRET, type JwtSignedOptions } from './jwt-signed-options.js';

/** What signs: the key, and the id that came with it (`key_id_separator`). */
export interface SigningKey {
  key: KeyObject;
  keyId?: string;
}

/** RFC 7518 3.2: an HMAC key at least as long as the hash. */
const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** The curve each ES algorithm signs on (Node's names). */
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function decodeHmacKey(text: string, options: JwtSignedOptions, connector: string): Buffer {
  const where = `The ${SIGNING_KEY_SECRET} secret of ${connector}`;
  switch (options.key_encoding) {
    case 'hex':
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) throw new AuthError(`${where} is not hex (key_encoding: hex); store the key as an even number of 0-9 and a-f digits.`);
      return Buffer.from(text, 'hex');
    case 'base64':
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
        throw new AuthError(`${where} is not base64 (key_encoding: base64); store the key in standard or URL-safe base64.`);
      }
      return Buffer.from(text, 'base64');
    default:
      return Buffer.from(text, 'utf8');
  }
}

function readHmacKey(secrets: Record<string, string>, options: JwtSignedOptions, connector: string): SigningKey {
  let text = secrets[SIGNING_KEY_SECRET] ?? '';
  let keyId: string | undefined;
  const separator = options.key_id_separator;
  if (separator) {
    const at = text.indexOf(separator);
    if (at <= 0 || at + separator.length >= text.length) {
      throw new AuthError(`The ${SIGNING_KEY_SECRET} secret of ${connector} is not \`<id>${separator}<key>\` (key_id_separator: ${JSON.stringify(separator)}); store the whole key as the provider gives it.`);
    }
    keyId = text.slice(0, at);
    text = text.slice(at + separator.length);
  }
  if (text === '') throw new AuthError(`The ${SIGNING_KEY_SECRET} secret of ${connector} is empty; ${options.alg} needs a key of at least ${HMAC_MIN_BYTES[options.alg]} bytes.`);
  const bytes = decodeHmacKey(text, options, connector);
  const minimum = HMAC_MIN_BYTES[options.alg] ?? 32;
  if (bytes.length < minimum) {
    throw new AuthError(`The ${SIGNING_KEY_SECRET} secret of ${connector} is ${bytes.length} bytes long; ${options.alg} needs a key of at least ${minimum} bytes.`);
  }
  return { key: createSecretKey(bytes), ...(keyId === undefined ? {} : { keyId }) };
}

/** `an RSA key`, `an EC P-384 key`, `an Ed25519 key`. */
function describeKey(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'an RSA key';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
      return `an EC ${CURVE_NAMES[curve] ?? curve} key`;
    }
    case 'ed25519':
      return 'an Ed25519 key';
    default:
      return `a key of type ${key.asymmetricKeyType ?? 'unknown'}`;
  }
}

/** What `alg` needs, when `key` is not it; undefined when it fits. */
function keyMismatch(alg: string, key: KeyObject): string | undefined {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (key.asymmetricKeyType !== 'rsa') return 'an RSA key';
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'an RSA key of 2048 bits or more';
    return undefined;
  }
  if (alg.startsWith('ES')) {
    const curve = EC_CURVES[alg]!;
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve ? undefined : `an EC ${CURVE_NAMES[curve]} key`;
  }
  return key.asymmetricKeyType === 'ed25519' ? undefined : 'an Ed25519 key';
}

function readPrivateKey(secrets: Record<string, string>, options: JwtSignedOptions, connector: string): SigningKey {
  const where = `The ${PRIVATE_KEY_SECRET} secret of ${connector}`;
  const text = unescapePem(secrets[PRIVATE_KEY_SECRET] ?? '');
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    if (/ENCRYPTED/.test(text)) throw new AuthError(`${where} is an encrypted private key; store it decrypted (PKCS#8, PKCS#1 or SEC1 PEM).`);
    let isPublic = false;
    try {
      createPublicKey(text);
      isPublic = true;
    } catch {
      // Not a key at all.
    }
    throw new AuthError(
      isPublic
        ? `${where} is a public key or certificate, not a private key; store the PEM private key.`
        : `${where} is not a PEM private key; store the key file's whole text (-----BEGIN PRIVATE KEY----- ...).`,
    );
  }
  const needed = keyMismatch(options.alg, key);
  if (needed) throw new AuthError(`${where} is ${describeKey(key)}; ${options.alg} needs ${needed}.`);
  return { key };
}

/** The key for `options.alg` from the connection's secrets; an `AuthError` when it does not fit. */
export function readSigningKey(secrets: Record<string, string>, options: JwtSignedOptions, connector: string): SigningKey {
  return isHmacAlgorithm(options.alg) ? readHmacKey(secrets, options, connector) : readPrivateKey(secrets, options, connector);
}
