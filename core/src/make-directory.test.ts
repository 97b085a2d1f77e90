import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectory } from './make-directory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connectors-mkdir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('makes the missing parents with the mode, and an existing folder is fine', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await makeDirectory(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    await makeDirectory(deep, 0o700);
    await Promise.all([makeDirectory(join(dir, 'x', 'y')), makeDirectory(join(dir, 'x', 'z')), makeDirectory(join(dir, 'x', 'y'))]);
    expect(existsSync(join(dir, 'x', 'z'))).toBe(true);
  });

  it('passes on the error of a path below a file, or of a file in its place', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    await expect(makeDirectory(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(makeDirectory(join(dir, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('ends with ENOENT below /proc, where Node\'s recursive mkdir never settles', async () => {
    expect(existsSync('/proc/self')).toBe(true); // Linux: the file system this guards against
    await expect(makeDirectory('/proc/connectors-test/a/b')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
