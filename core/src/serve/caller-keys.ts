/**
 * Caller keys of `connectors serve` (DESIGN.md section 9): `ck_` + 32 random bytes in base64url,
 * shown once by `callers add`; the store keeps only their SHA-256. A presented key is hashed and
 * compared with every stored digest by `crypto.timingSafeEqual`, all of them every time, so
 * neither the answer's timing nor its order tells how close a guess came or which caller matched.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredCaller } from '../secrets/store.js';

/** Every caller key starts with this. */
export const CALLER_KEY_PREFIX = 'ck_';

const KEY_BYTES = 32;
/** `ck_` + 43 base64url characters (32 bytes, unpadded). */
const KEY_SHAPE = /^ck_[A-Za-z0-9_-]{43}$/;

/** A new caller key: `ck_` + 32 random bytes, base64url. */
export function generateCallerKey(): string {
  return `${CALLER_KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
}

/** SHA-256 of the key, lower-case hex: what the store keeps. */
export function hashCallerKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True for a token that looks like a caller key (it may still be unknown). */
export function isCallerKeyShaped(token: string): boolean {
  return token.startsWith(CALLER_KEY_PREFIX);
}

/**
 * The stored caller whose digest matches `key`, else undefined. Every digest is compared, in
 * constant time; a token of the wrong shape still costs one hash and is never found.
 */
export function findCallerByKey(callers: readonly StoredCaller[], key: string): StoredCaller | undefined {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  const wellFormed = KEY_SHAPE.test(key);
  let found: StoredCaller | undefined;
  for (const caller of callers) {
    const stored = digestBytes(caller.keySha256);
    if (stored.length !== presented.length) continue;
    if (timingSafeEqual(stored, presented) && wellFormed && found === undefined) found = caller;
  }
  return found;
}

/** The stored digests as bytes, decoded once each (every request compares against all of them). */
const decodedDigests = new Map<string, Buffer>();
const MAX_DECODED = 10_000;

function digestBytes(hex: string): Buffer {
  let bytes = decodedDigests.get(hex);
  if (!bytes) {
    if (decodedDigests.size >= MAX_DECODED) decodedDigests.clear();
    bytes = Buffer.from(hex, 'hex');
    decodedDigests.set(hex, bytes);
  }
  return bytes;
}
