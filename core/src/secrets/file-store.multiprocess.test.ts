import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileForChildren } from '../sessions/__fixtures__/compile-for-children.js';
import { runChildren } from '../sessions/__fixtures__/run-children.js';
import { FileStore } from './file-store.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'sessions', '__fixtures__', 'store-child.mjs');
const PROCESSES = 6;
let dist: string;

beforeAll(async () => {
  dist = await compileForChildren();
});

async function startTogether(env: Record<string, string>, home: string): Promise<string[]> {
  const go = join(home, 'go');
  const running = runChildren(CHILD, PROCESSES, { ...env, DIST: dist, STORE_HOME: home, GO_FILE: go });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await writeFile(go, '');
  const results = await running;
  for (const result of results) expect(result.stderr).toBe('');
  return results.map((result) => result.stdout.trim());
}

describe('FileStore across processes', () => {
  it(`${PROCESSES} processes creating the key file at once end up with the same key`, async () => {
    const home = await mkdtemp(join(tmpdir(), 'connectors-keyrace-'));
    const keys = await startTogether({ MODE: 'key' }, home);
    expect(keys).toHaveLength(PROCESSES);
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(keys[0] ?? '', 'base64')).toHaveLength(32);
  });

  it(`${PROCESSES} processes writing at once lose no update`, async () => {
    const home = await mkdtemp(join(tmpdir(), 'connectors-writers-'));
    const writes = 8;
    const outputs = await startTogether({ MODE: 'write', WRITES: String(writes) }, home);
    expect(outputs).toEqual(Array(PROCESSES).fill('done'));
    const secrets = await new FileStore({ home, env: {} }).getSecrets({ connector: 'crowd', connection: 'default' });
    expect(Object.keys(secrets)).toHaveLength(PROCESSES * writes);
  });
});
