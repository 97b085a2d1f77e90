import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../secrets/file-store.js';
import { compileForChildren } from './__fixtures__/compile-for-children.js';
import { runChild, runChildren } from './__fixtures__/run-children.js';
import { readHolder } from './lock.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'renew-child.mjs');
const PROCESSES = 6;
const ref = { connector: 'race', connection: 'default' };
let dist: string;

beforeAll(async () => {
  dist = await compileForChildren();
});

async function setUp(): Promise<{ home: string; env: Record<string, string> }> {
  const home = await mkdtemp(join(tmpdir(), 'connectors-race-'));
  const env = { DIST: dist, STORE_HOME: home, STORE_KEY: randomBytes(32).toString('base64'), COUNTER_FILE: join(home, 'calls') };
  await writeFile(env.COUNTER_FILE, '');
  return { home, env };
}

async function countCalls(file: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
}

describe('sessions across processes', () => {
  it(`${PROCESSES} processes started together with no session make exactly one renewal and share it`, async () => {
    const { home, env } = await setUp();
    const go = join(home, 'go');
    const running = runChildren(CHILD, PROCESSES, { ...env, GO_FILE: go });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await writeFile(go, '');
    const results = await running;
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(await countCalls(env.COUNTER_FILE)).toBe(1);
    const outputs = new Set(results.map((result) => result.stdout.trim()));
    expect(outputs.size).toBe(1);
    const store = new FileStore({ home, env: { CONNECTORS_SECRET_KEY: env.STORE_KEY } });
    expect(JSON.stringify((await store.getSession(ref))?.secrets)).toBe([...outputs][0]);
  });

  it('a process killed with SIGKILL mid-renewal leaves the store readable and the lock taken over at once', async () => {
    const { home, env } = await setUp();
    const store = new FileStore({ home, env: { CONNECTORS_SECRET_KEY: env.STORE_KEY } });
    await store.setSession(ref, {
      secrets: { oauth_access_token: 'old-access', oauth_refresh_token: 'stored-refresh' },
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      savedAt: new Date().toISOString(),
    });
    const victim = spawn(process.execPath, [CHILD], {
      env: { ...process.env, ...env, HANG_IN_AUTHENTICATE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      victim.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('authenticating')) resolve();
      });
      victim.on('exit', () => reject(new Error('the victim ended before authenticating')));
    });
    const lockPath = join(home, 'locks', 'race', 'default.lock');
    expect((await readHolder(lockPath))?.record?.pid).toBe(victim.pid);
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.on('close', resolve));

    expect((await store.getSession(ref))?.secrets.oauth_refresh_token).toBe('stored-refresh');
    const started = Date.now();
    const survivor = await runChild(CHILD, { ...env, AUTH_DELAY_MS: '0', LOCK_STALE_MS: '30000' });
    expect(survivor.stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(JSON.parse(survivor.stdout).oauth_refresh_token).toMatch(/^stored-refresh\+rotated-by-\d+$/);
    expect(await countCalls(env.COUNTER_FILE)).toBe(2);
  });
});
