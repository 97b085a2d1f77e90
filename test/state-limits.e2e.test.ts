/**
 * Issue 9: `--state` and the saved state are capped at 16 MiB and 1000 levels of nesting, each
 * with one sentence, before any request, and without touching the state saved before.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshHome, hasStack, runManifest, startPagedServer } from './helpers/run-fixtures.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'connectors-state-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid state value padded with an unused key to about `bytes` bytes. */
function paddedState(bytes: number, cursor = '2024-01-01T00:27:00Z'): string {
  const head = JSON.stringify({ bookmarks: { events: { cursor } }, padding: '' });
  return `${head.slice(0, -2)}${'x'.repeat(bytes - head.length)}"}`;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(hasStack(stderr)).toBe(false);
  return lines[0]!;
}

describe('--state size and depth', () => {
  it('refuses a --state file over 16 MiB with one sentence, before any request', async () => {
    const server = await startPagedServer({ total: 5 });
    const file = join(dir, 'big.json');
    writeFileSync(file, paddedState(16 * MiB + 1));
    const result = await runManifest('incremental', server, ['--stream', 'events', '--state', file], { home: freshHome() });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      `Error: The state file ${file} is larger than 16.0 MiB, the most a state may be. Pass the last STATE message or the state.json that --output writes, not a whole run's output.`,
    );
    expect(result.stdout).toBe('');
    expect(server.state.requests).toEqual([]);
  });

  it('takes a --state file just under the cap', async () => {
    const server = await startPagedServer({ total: 30 });
    const file = join(dir, 'large.json');
    writeFileSync(file, paddedState(16 * MiB - 1024));
    const result = await runManifest('incremental', server, ['--stream', 'events', '--state', file], { home: freshHome() });
    expect(result.code, result.stderr).toBe(0);
    expect(server.state.requests[0]?.query.since).toBe('2024-01-01T00:27:00Z');
  });

  it('refuses a --state nested 500,000 levels deep with a sentence, not a stack overflow', async () => {
    const server = await startPagedServer({ total: 5 });
    const file = join(dir, 'deep.json');
    writeFileSync(file, `{"bookmarks":{},"deep":${'['.repeat(500_000)}${']'.repeat(500_000)}}`);
    const result = await runManifest('incremental', server, ['--stream', 'events', '--state', file], { home: freshHome() });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(`Error: The state in ${file} is nested deeper than 1000 levels, the most a state may be.`);
    expect(server.state.requests).toEqual([]);
  });

  it('refuses a saved state over 16 MiB with one sentence and leaves the file as it was', async () => {
    const server = await startPagedServer({ total: 5 });
    const home = freshHome();
    const saved = join(home, 'state', 'incr', 'default.json');
    mkdirSync(join(home, 'state', 'incr'), { recursive: true });
    const text = paddedState(17 * MiB);
    writeFileSync(saved, text);
    const result = await runManifest('incremental', server, ['--stream', 'events'], { home });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      `Error: The saved state ${saved} is larger than 16.0 MiB, the most a state may be. Delete it, or run with --full-refresh or --state FILE.`,
    );
    expect(server.state.requests).toEqual([]);
    expect(readFileSync(saved, 'utf8')).toBe(text);
  });
});
