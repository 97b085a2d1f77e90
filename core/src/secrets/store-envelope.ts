/**
 * The file store's on-disk format, version 1: a small JSON envelope
 * `{format, version, cipher, iv, tag, data}` around the AES-256-GCM encrypted JSON of the store.
 * The envelope's format and version are bound to the ciphertext as additional data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretStoreError } from '../errors.js';
import { keyIdOf } from './store-key.js';

export const STORE_FORMAT = 'connectors-secret-store';
export const STORE_VERSION = 1;
const CIPHER = 'aes-256-gcm';
const AAD = Buffer.from(`${STORE_FORMAT}/${STORE_VERSION}`);

/** The envelope as written to disk. */
export interface StoreEnvelope {
  format: typeof STORE_FORMAT;
  version: number;
  cipher: typeof CIPHER;
  /** base64 of the 12-byte nonce. */
  iv: string;
  /** base64 of the 16-byte GCM tag. */
  tag: string;
  /** base64 of the ciphertext. */
  data: string;
  /** The id of the key that sealed it ({@link keyIdOf}); absent in stores written before key rotation. */
  keyId?: string;
}

/** Encrypts a JSON value with a fresh nonce and returns the envelope's text. */
export function sealStore(value: unknown, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const envelope: StoreEnvelope = {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    cipher: CIPHER,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
    keyId: keyIdOf(key),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/**
 * Opens an envelope with `key`, else with one of the `previous` keys (CONNECTORS_SECRET_KEY_PREVIOUS).
 * A file that is not an envelope is "corrupt"; one that no key opens names the key id it was
 * written with. Both errors say the file is left untouched.
 */
export function openStore(text: string, key: Buffer, path: string, keySource: string, previous: readonly Buffer[] = []): unknown {
  const envelope = parseEnvelope(text, path);
  const candidates = envelope.keyId ? [key, ...previous].filter((candidate) => keyIdOf(candidate) === envelope.keyId) : [key, ...previous];
  let plain: string | undefined;
  for (const candidate of candidates) {
    plain = decrypt(envelope, candidate);
    if (plain !== undefined) break;
  }
  if (plain === undefined) {
    const written = envelope.keyId && candidates.length === 0 ? `it was written with key ${envelope.keyId}, which neither ${keySource} nor CONNECTORS_SECRET_KEY_PREVIOUS holds` : 'it was written with another key (or damaged)';
    throw new SecretStoreError(`Cannot decrypt ${path} with ${keySource}; ${written}, and it is left untouched.`, {
      hint: 'Set CONNECTORS_SECRET_KEY to the key the store was written with (or add it to CONNECTORS_SECRET_KEY_PREVIOUS), or move the file away to start afresh.',
    });
  }
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    throw corrupt(path);
  }
}

/** The key id an envelope names, if any (to tell whether a rewrite is needed). */
export function envelopeKeyId(text: string, path: string): string | undefined {
  return parseEnvelope(text, path).keyId;
}

function decrypt(envelope: StoreEnvelope, key: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv(CIPHER, key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function parseEnvelope(text: string, path: string): StoreEnvelope {
  let value: Partial<StoreEnvelope>;
  try {
    value = JSON.parse(text) as Partial<StoreEnvelope>;
  } catch {
    throw corrupt(path);
  }
  if (typeof value !== 'object' || value === null || value.format !== STORE_FORMAT) throw corrupt(path);
  if (value.version !== STORE_VERSION) {
    throw new SecretStoreError(
      `${path} has store format version ${String(value.version)}, which this version cannot read; it is left untouched.`,
    );
  }
  const fields = [value.iv, value.tag, value.data];
  if (value.cipher !== CIPHER || fields.some((field) => typeof field !== 'string')) throw corrupt(path);
  return value as StoreEnvelope;
}

function corrupt(path: string): SecretStoreError {
  return new SecretStoreError(`${path} is not a readable secret store (corrupt); it is left untouched.`, {
    hint: 'Restore it from a backup, or move it away to start with an empty store.',
  });
}
