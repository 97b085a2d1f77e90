/**
 * Row encryption of the PostgreSQL store (DESIGN.md section 10): every value is the AES-256-GCM
 * ciphertext of its JSON, tagged with the id of the key that sealed it. The row's identity (table
 * and key columns) is bound to the ciphertext as additional data, so a row copied onto another
 * row, or cut short, does not open: it is "foreign or damaged", never a wrong value.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretStoreError } from '../../errors.js';
import { keyIdOf } from '../store-key.js';

const CIPHER = 'aes-256-gcm';

/** A key the store can seal and open with. */
export interface RowKey {
  /** `k_` + the first 16 hex digits of the key's SHA-256: names the key in rows and errors, reveals nothing. */
  id: string;
  key: Buffer;
}

/** What a row holds: the key id, the nonce, the GCM tag and the ciphertext. */
export interface SealedValue {
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

/** A {@link RowKey} for a 32-byte key. */
export function toRowKey(key: Buffer): RowKey {
  return { id: keyIdOf(key), key };
}

/** The additional data binding a value to its row: `connectors/<table>/<key column values>`. */
export function rowIdentity(table: string, ...columns: string[]): Buffer {
  return Buffer.from(JSON.stringify(['connectors', table, ...columns]));
}

/** Seals a JSON value for the row `identity` with `key`. */
export function sealRow(value: unknown, key: RowKey, identity: Buffer): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key.key, iv);
  cipher.setAAD(identity);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { key_id: key.id, iv, tag: cipher.getAuthTag(), data };
}

/**
 * Opens a sealed row with whichever of `keys` has its key id. A key id no key has, or a row that
 * does not open with its key, is a {@link SecretStoreError} naming `where` and the key id; the row
 * is left as it is.
 */
export function openRow(row: SealedValue, keys: readonly RowKey[], identity: Buffer, where: string): unknown {
  const key = keys.find((candidate) => candidate.id === row.key_id);
  if (!key) {
    throw new SecretStoreError(`${where} is encrypted with key ${row.key_id}, which neither CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds; it is left untouched.`, {
      hint: 'Set CONNECTORS_SECRET_KEY (or add the old key to CONNECTORS_SECRET_KEY_PREVIOUS) to the key it was written with.',
    });
  }
  let plain: string;
  try {
    const decipher = createDecipheriv(CIPHER, key.key, row.iv);
    decipher.setAAD(identity);
    decipher.setAuthTag(row.tag);
    plain = Buffer.concat([decipher.update(row.data), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new SecretStoreError(`${where} does not open with key ${row.key_id}: the row is damaged or was copied from another row; it is left untouched.`);
  }
}
