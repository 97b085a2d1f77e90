import { createPublicKey, sign, verify, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { generateRsaKeyPair, toRsaXml } from './__fixtures__/keys.js';
import { parseRsaPrivateKey, rsaXmlToJwk } from './private-key.js';

const pair = generateRsaKeyPair();
const pkcs1 = pair.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
const pkcs8 = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const xml = toRsaXml(pair.privateKey);
const data = Buffer.from('SYSTEM-TOKEN.202503011200');

describe('parseRsaPrivateKey', () => {
  it('reads the RSA XML form as the same key as the PEM: signatures from either verify with the public key', () => {
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(pkcs8).toContain('BEGIN PRIVATE KEY');
    const fromXml = parseRsaPrivateKey(xml);
    const fromPkcs1 = parseRsaPrivateKey(pkcs1);
    const fromPkcs8 = parseRsaPrivateKey(pkcs8);
    for (const key of [fromXml, fromPkcs1, fromPkcs8]) {
      expect(verify('sha256', data, pair.publicKey, sign('sha256', data, key))).toBe(true);
    }
    // PKCS#1 v1.5 signatures are deterministic: same key, same signature.
    expect(sign('sha256', data, fromXml).equals(sign('sha256', data, fromPkcs1))).toBe(true);
    const jwk = (key: typeof fromXml) => key.export({ format: 'jwk' }) as JsonWebKey;
    expect(jwk(fromXml)).toEqual(jwk(fromPkcs8));
  });

  it('accepts XML with leading zero bytes, whitespace and any element order', () => {
    const jwk = pair.privateKey.export({ format: 'jwk' }) as JsonWebKey;
    const padded = (value?: string) => Buffer.concat([Buffer.from([0]), Buffer.from(value ?? '', 'base64url')]).toString('base64');
    const odd = `<RSAKeyValue>
      <D>${padded(jwk.d)}</D><InverseQ>${padded(jwk.qi)}</InverseQ><DQ>${padded(jwk.dq)}</DQ><DP>${padded(jwk.dp)}</DP>
      <Q>${padded(jwk.q)}</Q><P>${padded(jwk.p)}</P><Exponent>${padded(jwk.e)}</Exponent><Modulus>${padded(jwk.n)}</Modulus>
    </RSAKeyValue>`;
    expect(rsaXmlToJwk(odd).n).toBe(jwk.n);
    expect(verify('sha256', data, pair.publicKey, sign('sha256', data, parseRsaPrivateKey(odd)))).toBe(true);
  });

  it('undoes \\n escapes of a PEM pasted into one line', () => {
    const oneLine = pkcs8.trim().replace(/\n/g, '\\n');
    expect(verify('sha256', data, pair.publicKey, sign('sha256', data, parseRsaPrivateKey(oneLine)))).toBe(true);
  });

  it('rejects a public-only XML key, a garbled PEM, and text that is neither, without echoing the value', () => {
    const publicXml = xml.replace(/<(P|Q|DP|DQ|InverseQ|D)>[^<]*<\/\1>/g, '');
    expect(() => parseRsaPrivateKey(publicXml)).toThrow(/without its private part/);
    const garbled = pkcs1.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    for (const bad of [garbled, 'not-a-key-at-all-s3cr3t']) {
      const error = (() => {
        try {
          parseRsaPrivateKey(bad);
        } catch (caught) {
          return caught as AuthError;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AuthError);
      expect(error!.message).toMatch(/^The rsa_private_key secret /);
      expect(error!.message).not.toContain('s3cr3t');
    }
  });

  it('rejects a key that is not RSA', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => parseRsaPrivateKey(ec)).toThrow(/is a ec key, not RSA/);
    expect(createPublicKey(pair.privateKey).asymmetricKeyType).toBe('rsa');
  });
});
