import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileVersion, SETTLED_MS, VersionCache } from './file-version.js';

const realNow = () => performance.timeOrigin + performance.now();

describe('VersionCache', () => {
  it('keeps a version whose file had settled, and answers only for that stamp', () => {
    const cache = new VersionCache<string>();
    const settled = { stamp: 'a', changedAtMs: realNow() - SETTLED_MS - 1_000 };
    cache.set(settled, 'content a');
    expect(cache.get(settled)).toBe('content a');
    expect(cache.get({ ...settled, stamp: 'b' })).toBeUndefined();
    cache.clear();
    expect(cache.get(settled)).toBeUndefined();
  });

  it('does not keep a version changed too recently to trust its stamp (or stamped in the future)', () => {
    const cache = new VersionCache<string>();
    const recent = { stamp: 'a', changedAtMs: realNow() - 10 };
    cache.set(recent, 'content a');
    expect(cache.get(recent)).toBeUndefined();
    const future = { stamp: 'b', changedAtMs: realNow() + 60_000 };
    cache.set(future, 'content b');
    expect(cache.get(future)).toBeUndefined();
  });

  it('replaces the version kept when a settled read of another version comes', () => {
    const cache = new VersionCache<string>();
    const old = realNow() - SETTLED_MS - 1_000;
    cache.set({ stamp: 'a', changedAtMs: old }, 'content a');
    cache.set({ stamp: 'b', changedAtMs: old }, 'content b');
    expect(cache.get({ stamp: 'a', changedAtMs: old })).toBeUndefined();
    expect(cache.get({ stamp: 'b', changedAtMs: old })).toBe('content b');
  });
});

describe('readFileVersion', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it('is undefined for a missing file and changes when the file is replaced atomically', () => {
    folder = mkdtempSync(join(tmpdir(), 'file-version-'));
    const path = join(folder, 'store.json');
    expect(readFileVersion(path)).toBeUndefined();
    writeFileSync(path, 'one');
    const first = readFileVersion(path)!;
    expect(readFileVersion(path)).toEqual(first);
    // An atomic replace (what the stores do): a new inode, even with the same size and time.
    writeFileSync(`${path}.tmp`, 'two');
    renameSync(`${path}.tmp`, path);
    expect(readFileVersion(path)!.stamp).not.toBe(first.stamp);
  });
});
