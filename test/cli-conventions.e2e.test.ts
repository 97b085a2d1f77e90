/**
 * Issue 9, CLI conventions: `connectors help` (the oclif help plugin) and `connectors list`
 * within the terminal width (stdout is a pipe here: $COLUMNS, else 80).
 */
import { describe, expect, it } from 'vitest';
import { catalogDir, makeHome, runCli, type CliOptions, type CliResult } from './helpers/cli.js';

async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { home, cleanup } = makeHome();
  try {
    return await runCli(args, { ...options, env: { CONNECTORS_HOME: home, ...options.env } });
  } finally {
    cleanup();
  }
}

const codePoints = (line: string) => [...line].length;

describe('connectors help', () => {
  it('prints the commands and topics, exit 0', async () => {
    const result = await cli(['help']);
    expect(result.code, result.stderr).toBe(0);
    for (const command of ['validate', 'list', 'schemes', 'run', 'check', 'help']) expect(result.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    for (const topic of ['secrets', 'auth', 'plugins']) expect(result.stdout).toMatch(new RegExp(`^ {2}${topic} `, 'm'));
  });

  it('help COMMAND and help TOPIC COMMAND print that command\'s usage', async () => {
    const list = await cli(['help', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('$ connectors list');
    expect(list.stdout).toContain('--json');
    const set = await cli(['help', 'secrets', 'set']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('$ connectors secrets set NAME SECRET');
  });
});

describe('connectors list within the terminal width', () => {
  it('fits 80 columns by default when stdout is not a terminal, cutting STREAMS and TITLE with an ellipsis', async () => {
    const wide = await cli(['list', '--catalog', catalogDir], { env: { COLUMNS: '1000' } });
    expect(wide.code, wide.stderr).toBe(0);
    // The catalog has a line wider than 80 columns (HubSpot's streams), so there is something to cut.
    expect(Math.max(...wide.stdout.trimEnd().split('\n').map(codePoints))).toBeGreaterThan(80);
    expect(wide.stdout).not.toContain('…');

    const result = await cli(['list', '--catalog', catalogDir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(wide.stdout.trimEnd().split('\n').length);
    for (const line of lines) expect(codePoints(line), line).toBeLessThanOrEqual(80);
    expect(result.stdout).toContain('…');
    // NAME and SCHEME are never cut.
    const names = wide.stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/).slice(0, 2).join(' '));
    expect(lines.map((line) => line.split(/\s{2,}/).slice(0, 2).join(' '))).toEqual(names);
  });

  it('fits $COLUMNS', async () => {
    const result = await cli(['list', '--catalog', catalogDir], { env: { COLUMNS: '50' } });
    expect(result.code, result.stderr).toBe(0);
    for (const line of result.stdout.trimEnd().split('\n')) expect(codePoints(line), line).toBeLessThanOrEqual(50);
  });

  it('--json keeps every stream whole', async () => {
    const result = await cli(['list', '--catalog', catalogDir, '--json'], { env: { COLUMNS: '40' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('…');
  });
});
