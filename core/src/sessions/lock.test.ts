import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, isProcessAlive, LockTimeoutError, readHolder, withLock } from './lock.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connectors-lock-'));
  path = join(dir, 'acme', 'default.lock');
});

/** A pid that surely belongs to no process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(child.stdout.toString());
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

async function plantLock(record: { pid: number; host: string }, ageMs: number): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'acme'), { recursive: true });
  await writeFile(path, JSON.stringify({ ...record, token: 'someone-else', heartbeatAt: new Date().toISOString() }));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

describe('lock files', () => {
  it('records its holder and lets one holder in at a time', async () => {
    const first = await acquireLock(path);
    const holder = await readHolder(path);
    expect(holder?.record).toMatchObject({ pid: process.pid, host: hostname(), token: first.token });
    let secondIn = false;
    const second = acquireLock(path, { pollMs: 5 }).then((lock) => {
      secondIn = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondIn).toBe(false);
    await first.release();
    const lock = await second;
    expect(secondIn).toBe(true);
    await lock.release();
    expect(await readHolder(path)).toBeUndefined();
  });

  it('releases the lock however the work ends', async () => {
    await expect(withLock(path, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readHolder(path)).toBeUndefined();
    expect(await withLock(path, async () => 42)).toBe(42);
  });

  it('takes over at once a lock whose holder on this host is dead', async () => {
    await plantLock({ pid: deadPid(), host: hostname() }, 0);
    const started = Date.now();
    const lock = await acquireLock(path, { staleMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await lock.release();
  });

  it('waits for a live holder until its heartbeat is older than staleMs', async () => {
    await plantLock({ pid: process.pid, host: hostname() }, 0);
    await expect(acquireLock(path, { staleMs: 10_000, timeoutMs: 200, pollMs: 10 })).rejects.toBeInstanceOf(LockTimeoutError);
    await plantLock({ pid: process.pid, host: hostname() }, 0);
    const started = Date.now();
    const lock = await acquireLock(path, { staleMs: 500, pollMs: 10, maxPollMs: 20 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await lock.release();
  });

  it('takes over a holder on another host only after staleMs without a heartbeat', async () => {
    await plantLock({ pid: deadPid(), host: 'another-host' }, 0);
    await expect(acquireLock(path, { staleMs: 10_000, timeoutMs: 200, pollMs: 10 })).rejects.toThrow(
      /Timed out waiting for the lock .* held by pid \d+ on another-host/,
    );
    await plantLock({ pid: 1, host: 'another-host' }, 20_000);
    const lock = await acquireLock(path, { staleMs: 10_000, timeoutMs: 200 });
    await lock.release();
  });

  it('keeps a slow holder alive with heartbeats', async () => {
    const holder = await acquireLock(path, { staleMs: 600, heartbeatMs: 50 });
    await expect(acquireLock(path, { staleMs: 600, timeoutMs: 1500, pollMs: 20 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(holder.lost).toBe(false);
    await holder.release();
  });

  it('never deletes a lock that another holder took over', async () => {
    const silent = await acquireLock(path, { staleMs: 200, heartbeatMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const taker = await acquireLock(path, { staleMs: 200, heartbeatMs: 50 });
    await silent.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: taker.token });
    await taker.release();
    expect(await readHolder(path)).toBeUndefined();
  });

  it('notices on its next heartbeat that it lost the lock', async () => {
    const holder = await acquireLock(path, { staleMs: 10_000, heartbeatMs: 30 });
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), token: 'thief', heartbeatAt: '' }));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(holder.lost).toBe(true);
    await holder.release();
    expect((await readHolder(path))?.record?.token).toBe('thief');
  });

  it('stops waiting when aborted', async () => {
    const holder = await acquireLock(path);
    const controller = new AbortController();
    const waiting = acquireLock(path, { signal: controller.signal, pollMs: 10 });
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await holder.release();
  });
});
