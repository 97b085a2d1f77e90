import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { expect } from 'vitest';
import { findLeaks, repoRoot, runCli, type CliOptions, type CliResult } from './cli.js';

/** The env of one CLI process: its home, its secrets as CONNECTORS_SECRET_* variables, and a clock offset. */
export function cliEnv(home: string, connector: string, secrets: Record<string, string>, clockOffsetMs = 0): Record<string, string> {
  const env: Record<string, string> = { CONNECTORS_HOME: home };
  for (const [name, value] of Object.entries(secrets)) {
    env[`CONNECTORS_SECRET_${connector}_${name}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')] = value;
  }
  return { ...env, ...clockOffsetEnv(clockOffsetMs) };
}

/** The env that moves a CLI process's clock `clockOffsetMs` ahead (test/helpers/fake-clock.mjs); none for 0. */
export function clockOffsetEnv(clockOffsetMs: number): Record<string, string> {
  if (clockOffsetMs === 0) return {};
  return {
    NODE_OPTIONS: `--import ${pathToFileURL(join(repoRoot, 'test', 'helpers', 'fake-clock.mjs')).href}`,
    CONNECTORS_TEST_CLOCK_OFFSET_MS: String(clockOffsetMs),
  };
}

/** Runs the CLI and fails the test when any secret value shows in stdout or stderr. */
export async function runChecked(args: string[], options: CliOptions, secrets: string[]): Promise<CliResult> {
  const result = await runCli(args, options);
  expect(findLeaks(result.stdout + result.stderr, secrets), `secret leaked by connectors ${args.join(' ')}`).toEqual([]);
  return result;
}

/** The RECORD messages of one stream in Singer output. */
export function recordsOf(stdout: string, stream: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; stream?: string; record?: Record<string, unknown> })
    .filter((message) => message.type === 'RECORD' && message.stream === stream)
    .map((message) => message.record ?? {});
}

/**
 * Asserts a failed command: exit 1, no RECORD or STATE on stdout, exactly one `Error: ...` line on
 * stderr (a run may print its per-stream progress line before it), and no stack trace.
 */
export function expectOneLineError(result: CliResult): string {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).not.toMatch(/"type":"(RECORD|STATE)"/);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  const errors = lines.filter((line) => /^Error: /.test(line));
  expect(errors, result.stderr).toHaveLength(1);
  expect(lines[lines.length - 1]).toBe(errors[0]);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return errors[0];
}

/** `YYYY-MM-DD` of now (UTC) plus `days`. */
export function utcDatePlus(days: number, now = Date.now()): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days)).toISOString().slice(0, 10);
}
