/**
 * The key of the file store (DESIGN.md sections 5 and 8, "Key file"): `CONNECTORS_SECRET_KEY`
 * (base64, 32 bytes) when set, else a key file beside the store, created once with an exclusive
 * create (mode 0600); a process that loses the creation race reads the winner's key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SecretStoreError } from '../errors.js';
import { createFileExclusive, hasCode } from './atomic-file.js';

/** The environment variable that holds the store key. */
export const SECRET_KEY_ENV = 'CONNECTORS_SECRET_KEY';

/** A store key and where it came from, for error messages (never the key itself). */
export interface StoreKey {
  key: Buffer;
  /** `the key from CONNECTORS_SECRET_KEY` or `the key in <path>`. */
  source: string;
}

/** Decodes a base64 key; anything but 32 bytes is a {@link SecretStoreError} naming `origin`. */
export function decodeStoreKey(base64: string, origin: string): Buffer {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== 32) {
    throw new SecretStoreError(`${origin} must be 32 bytes encoded in base64 (e.g. from "openssl rand -base64 32").`);
  }
  return key;
}

/** The key from `CONNECTORS_SECRET_KEY`, or undefined when the variable is unset or empty. */
export function readKeyFromEnv(env: NodeJS.ProcessEnv): StoreKey | undefined {
  const value = env[SECRET_KEY_ENV];
  if (value === undefined || value.trim() === '') return undefined;
  return { key: decodeStoreKey(value, SECRET_KEY_ENV), source: `the key from ${SECRET_KEY_ENV}` };
}

/** The key in `path`, or undefined when the file does not exist. */
export async function readKeyFile(path: string): Promise<StoreKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw new SecretStoreError(`Cannot read the key file ${path}.`, { cause: error });
  }
  return { key: decodeStoreKey(text, `The key file ${path}`), source: `the key in ${path}` };
}

/**
 * The key in `path`, creating it with a random key when absent. Whoever creates the file first
 * wins; everyone else reads that key, so all processes encrypt with the same key.
 */
export async function readOrCreateKeyFile(path: string): Promise<StoreKey> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await createFileExclusive(path, `${randomBytes(32).toString('base64')}\n`, 0o600);
  const winner = await readKeyFile(path);
  if (!winner) throw new SecretStoreError(`The key file ${path} vanished while it was being created.`);
  return winner;
}

/**
 * The id of a store key: `k_` + the first 16 hex digits of its SHA-256. It names the key in stored
 * values and in errors ("written with key k_...") and reveals nothing about it.
 */
export function keyIdOf(key: Buffer): string {
  return `k_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** The environment variable with retired store keys, comma-separated base64: reads still open what they sealed. */
export const PREVIOUS_KEYS_ENV = 'CONNECTORS_SECRET_KEY_PREVIOUS';

/** The keys of `CONNECTORS_SECRET_KEY_PREVIOUS`, each checked to be 32 bytes of base64. */
export function readPreviousKeyBytes(env: NodeJS.ProcessEnv): Buffer[] {
  const text = env[PREVIOUS_KEYS_ENV];
  if (!text || text.trim() === '') return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => decodeStoreKey(part, `Key ${index + 1} of ${PREVIOUS_KEYS_ENV}`));
}
