import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonNestingDepth, readTextWithin, STATE_MAX_BYTES, STATE_MAX_DEPTH } from './state-limits.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-limits-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('state limits (issue 9)', () => {
  it('are 16 MiB and 1000 levels', () => {
    expect(STATE_MAX_BYTES).toBe(16 * 1024 * 1024);
    expect(STATE_MAX_DEPTH).toBe(1000);
  });

  it('count nesting outside strings only, escapes included', () => {
    expect(jsonNestingDepth('{"bookmarks":{"a":{"cursor":1}}}')).toBe(3);
    expect(jsonNestingDepth('{"a":"[[[{{{","b":"\\"[[["}')).toBe(1);
    expect(jsonNestingDepth('[[]]\n[[[]]]\n')).toBe(3);
    expect(jsonNestingDepth('1')).toBe(0);
  });

  it('stop counting once past the limit', () => {
    expect(jsonNestingDepth('['.repeat(500_000), 1000)).toBe(1001);
  });

  it('read a file up to the limit, and nothing of one beyond it', async () => {
    const file = join(dir, 'f.json');
    await writeFile(file, 'x'.repeat(100));
    expect(await readTextWithin(file, 100)).toBe('x'.repeat(100));
    expect(await readTextWithin(file, 99)).toBeUndefined();
  });

  it('stop reading a file that never ends', async () => {
    expect(await readTextWithin('/dev/zero', 1024 * 1024)).toBeUndefined();
  });
});
