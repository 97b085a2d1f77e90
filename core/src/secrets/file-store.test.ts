import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretStoreError } from '../errors.js';
import { FileStore } from './file-store.js';

const ref = { connector: 'acme', connection: 'default' };
const session = {
  secrets: { oauth_access_token: 'at', oauth_refresh_token: 'rt' },
  expiresAt: '2030-01-01T00:00:00.000Z',
  issuedAt: '2029-12-31T23:00:00.000Z',
  values: { webapi_url: 'https://x' },
  cookies: { cookies: [] },
  savedAt: '2029-12-31T23:00:00.000Z',
};

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'connectors-store-'));
});

function keyEnv(): NodeJS.ProcessEnv {
  return { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };
}

describe('FileStore', () => {
  it('round-trips secrets and sessions through the encrypted file', async () => {
    const store = new FileStore({ home, env: {} });
    expect(await store.getSecrets(ref)).toEqual({});
    await store.setSecret(ref, 'client_id', 'id-value');
    await store.setSecret({ ...ref, connection: 'eu' }, 'client_id', 'eu-value');
    await store.setSession(ref, session);
    const again = new FileStore({ home, env: {} });
    expect(await again.getSecrets(ref)).toEqual({ client_id: 'id-value' });
    expect(await again.getSession(ref)).toEqual(session);
    expect(await again.listConnections('acme')).toEqual(['default', 'eu']);
    expect(await again.listConnections('nobody')).toEqual([]);
    const text = await readFile(store.path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'connectors-secret-store', version: 1, cipher: 'aes-256-gcm' });
    // values with '-' or '_', which base64 never holds, so no chance match; 'rt' (2 letters) would be
    for (const value of ['id-value', 'eu-value', 'client_id', 'webapi_url']) expect(text).not.toContain(value);
  });

  it('deletes secrets and sessions, pruning empty connections', async () => {
    const store = new FileStore({ home, env: {} });
    await store.setSecret(ref, 'a', '1');
    expect(await store.deleteSecret(ref, 'b')).toBe(false);
    expect(await store.deleteSecret(ref, 'a')).toBe(true);
    await store.setSession(ref, session);
    await store.setSession(ref, undefined);
    expect(await store.getSession(ref)).toBeUndefined();
    expect(await store.listConnections('acme')).toEqual([]);
  });

  it('writes the store and the key file with mode 0600', async () => {
    const store = new FileStore({ home, env: {} });
    await store.setSecret(ref, 'a', '1');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(store.keyPath)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(store.keyPath, 'utf8')).trim(), 'base64')).toHaveLength(32);
  });

  it('uses CONNECTORS_SECRET_KEY instead of a key file', async () => {
    const env = keyEnv();
    await new FileStore({ home, env }).setSecret(ref, 'a', '1');
    expect(await readdir(home)).not.toContain('secret.key');
    expect(await new FileStore({ home, env }).getSecrets(ref)).toEqual({ a: '1' });
  });

  it('rejects a CONNECTORS_SECRET_KEY that is not 32 bytes of base64', async () => {
    const store = new FileStore({ home, env: { CONNECTORS_SECRET_KEY: randomBytes(16).toString('base64') } });
    await expect(store.setSecret(ref, 'a', '1')).rejects.toThrow(/CONNECTORS_SECRET_KEY must be 32 bytes encoded in base64/);
  });

  it('refuses to decrypt with another key, and never overwrites the file', async () => {
    await new FileStore({ home, env: keyEnv() }).setSecret(ref, 'a', '1');
    const other = new FileStore({ home, env: keyEnv() });
    const before = await readFile(other.path);
    const read = other.getSecrets(ref);
    await expect(read).rejects.toBeInstanceOf(SecretStoreError);
    await expect(other.getSecrets(ref)).rejects.toThrow(
      new RegExp(`^Cannot decrypt ${other.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with the key from CONNECTORS_SECRET_KEY; it was written with key k_[0-9a-f]{16}, which neither the key from CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds, and it is left untouched\\.$`),
    );
    await expect(other.setSecret(ref, 'b', '2')).rejects.toThrow(/Cannot decrypt/);
    await expect(other.setSession(ref, session)).rejects.toThrow(/Cannot decrypt/);
    expect(await readFile(other.path)).toEqual(before);
  });

  it('rekey opens the store with a previous key and seals it under the current one', async () => {
    const oldEnv = keyEnv();
    await new FileStore({ home, env: oldEnv }).setSecret(ref, 'api_key', 'file-store-rekey-value');
    const newEnv = keyEnv();
    const rotating = new FileStore({ home, env: { ...newEnv, CONNECTORS_SECRET_KEY_PREVIOUS: oldEnv.CONNECTORS_SECRET_KEY } });
    expect(await rotating.getSecrets(ref)).toEqual({ api_key: 'file-store-rekey-value' });
    await expect(new FileStore({ home, env: newEnv }).rekey()).rejects.toThrow(/which neither the key from CONNECTORS_SECRET_KEY nor CONNECTORS_SECRET_KEY_PREVIOUS holds/);
    expect(await rotating.rekey()).toEqual({ secrets: 1, sessions: 0, states: 0, callers: 0 });
    expect(await new FileStore({ home, env: newEnv }).getSecrets(ref)).toEqual({ api_key: 'file-store-rekey-value' });
    await expect(new FileStore({ home, env: oldEnv }).getSecrets(ref)).rejects.toThrow(/Cannot decrypt/);
  });

  it('refuses a store whose key file is gone instead of making a new key', async () => {
    const store = new FileStore({ home, env: {} });
    await store.setSecret(ref, 'a', '1');
    await writeFile(store.keyPath, '');
    await expect(new FileStore({ home, env: {} }).getSecrets(ref)).rejects.toThrow(/must be 32 bytes/);
    const { unlink } = await import('node:fs/promises');
    await unlink(store.keyPath);
    const fresh = new FileStore({ home, env: {} });
    const before = await readFile(store.path);
    await expect(fresh.setSecret(ref, 'b', '2')).rejects.toThrow(/key file .* is missing/);
    expect(await readFile(store.path)).toEqual(before);
    expect(await readdir(home)).not.toContain('secret.key');
  });

  it.each([
    ['not JSON', 'garbage{'],
    ['another format', '{"format":"x"}'],
    ['a damaged envelope', '{"format":"connectors-secret-store","version":1,"cipher":"aes-256-gcm","iv":3}'],
  ])('reports a corrupt file (%s) and leaves it untouched', async (_, content) => {
    const store = new FileStore({ home, env: keyEnv() });
    await writeFile(store.path, content);
    await expect(store.getSecrets(ref)).rejects.toThrow(`${store.path} is not a readable secret store (corrupt); it is left untouched.`);
    await expect(store.setSecret(ref, 'a', '1')).rejects.toBeInstanceOf(SecretStoreError);
    expect(await readFile(store.path, 'utf8')).toBe(content);
  });

  it('refuses a newer format version', async () => {
    const store = new FileStore({ home, env: keyEnv() });
    await writeFile(store.path, '{"format":"connectors-secret-store","version":2}');
    await expect(store.getSecrets(ref)).rejects.toThrow(/format version 2/);
  });

  it('stays readable after a crash during a write, and clears the leftover temp file', async () => {
    const store = new FileStore({ home, env: {} });
    await store.setSecret(ref, 'a', '1');
    const leftover = join(home, '.secrets.enc.99999.abcdef.tmp');
    await writeFile(leftover, 'half a write');
    expect(await new FileStore({ home, env: {} }).getSecrets(ref)).toEqual({ a: '1' });
    await store.setSecret(ref, 'b', '2');
    expect(await readdir(home)).not.toContain('.secrets.enc.99999.abcdef.tmp');
    expect(await store.getSecrets(ref)).toEqual({ a: '1', b: '2' });
  });

  it('loses no update when one process writes concurrently', async () => {
    const store = new FileStore({ home, env: {} });
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.setSecret(ref, `s${i}`, String(i))));
    expect(Object.keys(await store.getSecrets(ref))).toHaveLength(10);
  });
});
