import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../secrets/file-store.js';
import { MemoryStore } from '../secrets/memory-store.js';
import type { StoredCaller } from '../secrets/store.js';
import { generateCallerKey, hashCallerKey } from './caller-keys.js';
import { callerAllows, createCallerAuthenticator } from './callers.js';

function storedCaller(name: string, key: string, grants: Partial<StoredCaller> = {}): StoredCaller {
  return { name, keySha256: hashCallerKey(key), allow: ['tripletex/*'], credentials: false, metrics: false, createdAt: '2026-01-01T00:00:00.000Z', ...grants };
}

describe('caller keys', () => {
  it('are ck_ + 32 random bytes in base64url', () => {
    const key = generateCallerKey();
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(generateCallerKey()).not.toBe(key);
  });

  it('authenticate the caller whose SHA-256 the store holds, with its grants', async () => {
    const store = new MemoryStore();
    const key = generateCallerKey();
    const other = generateCallerKey();
    await store.putCaller(storedCaller('etl', key, { allow: ['*/acme'], credentials: true }));
    await store.putCaller(storedCaller('reports', other, { metrics: true }));
    const auth = createCallerAuthenticator({ store });
    expect(await auth.authenticate(`Bearer ${key}`)).toEqual({ name: 'etl', kind: 'key', allow: ['*/acme'], credentials: true, metrics: false });
    expect(await auth.authenticate(`bearer ${other}`)).toMatchObject({ name: 'reports', metrics: true });
  });

  it('refuse a key that is almost right, a missing or malformed header, and a removed caller', async () => {
    const store = new MemoryStore();
    const key = generateCallerKey();
    await store.putCaller(storedCaller('etl', key));
    const auth = createCallerAuthenticator({ store });
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const almost = [key.slice(0, -1) + last, key.slice(0, -1), `${key}A`, key.toUpperCase(), `ck_${key.slice(4)}`];
    for (const token of almost) expect(await auth.authenticate(`Bearer ${token}`)).toBeUndefined();
    for (const header of [undefined, '', key, `Basic ${key}`, `Bearer`, `Bearer ${key} extra`, `Bearer ${hashCallerKey(key)}`]) {
      expect(await auth.authenticate(header)).toBeUndefined();
    }
    await store.deleteCaller('etl');
    expect(await auth.authenticate(`Bearer ${key}`)).toBeUndefined();
  });

  it('never throw: a store that fails means no caller', async () => {
    const store = new MemoryStore();
    store.listCallers = async () => {
      throw new Error('down');
    };
    expect(await createCallerAuthenticator({ store }).authenticate(`Bearer ${generateCallerKey()}`)).toBeUndefined();
  });
});

describe('the file store of callers', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('keeps digests and grants in callers.json (0600), never the key, and sees another process\'s removal', async () => {
    home = mkdtempSync(join(tmpdir(), 'callers-'));
    const key = generateCallerKey();
    const writer = new FileStore({ home });
    const reader = new FileStore({ home });
    await writer.putCaller(storedCaller('etl', key));
    await writer.putCaller(storedCaller('alpha', generateCallerKey()));
    const text = readFileSync(join(home, 'callers.json'), 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(3));
    expect(text).toContain(hashCallerKey(key));
    const auth = createCallerAuthenticator({ store: reader });
    expect((await reader.listCallers()).map((caller) => caller.name)).toEqual(['alpha', 'etl']);
    expect(await auth.authenticate(`Bearer ${key}`)).toMatchObject({ name: 'etl' });
    expect(await writer.deleteCaller('etl')).toBe(true);
    expect(await writer.deleteCaller('etl')).toBe(false);
    expect(await auth.authenticate(`Bearer ${key}`)).toBeUndefined();
  });

  it('refuses a corrupt callers.json and leaves it untouched', async () => {
    home = mkdtempSync(join(tmpdir(), 'callers-'));
    const store = new FileStore({ home });
    await store.putCaller(storedCaller('etl', generateCallerKey()));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(home, 'callers.json'), '{"version":1,"callers":[{"name":"x"}]}');
    await expect(store.listCallers()).rejects.toThrow(/not a readable caller list/);
    await expect(store.putCaller(storedCaller('b', generateCallerKey()))).rejects.toThrow(/not a readable caller list/);
    expect(readFileSync(join(home, 'callers.json'), 'utf8')).toBe('{"version":1,"callers":[{"name":"x"}]}');
  });
});

describe('callerAllows', () => {
  const grants = (...allow: string[]) => ({ allow, credentials: false, metrics: false });

  it('matches <connector>/<connection> globs, * within one part', () => {
    expect(callerAllows(grants('tripletex/*'), 'tripletex', 'acme')).toBe(true);
    expect(callerAllows(grants('tripletex/*'), 'hubspot', 'acme')).toBe(false);
    expect(callerAllows(grants('*/acme'), 'hubspot', 'acme')).toBe(true);
    expect(callerAllows(grants('*/acme'), 'hubspot', 'acme2')).toBe(false);
    expect(callerAllows(grants('hub*/eu-*'), 'hubspot', 'eu-west')).toBe(true);
    expect(callerAllows(grants('*/*'), 'a', 'b')).toBe(true);
    expect(callerAllows(grants('tripletex/acme'), 'tripletex', 'acme')).toBe(true);
    expect(callerAllows(grants('tripletex/acme'), 'tripletex', 'acme.x')).toBe(false);
    expect(callerAllows(grants('t.x/a'), 'tax', 'a')).toBe(false);
    expect(callerAllows(grants('*'), 'a', 'b')).toBe(false);
    expect(callerAllows(grants(), 'a', 'b')).toBe(false);
  });
});
