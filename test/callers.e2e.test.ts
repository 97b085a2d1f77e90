/**
 * `connectors callers add/list/remove` (DESIGN.md section 9): the key is printed once on stdout
 * and nowhere else, the store file keeps only its SHA-256 (0600), `list` and `list --json` never
 * show a key or digest, bad names and globs are usage errors (exit 2), a taken name and an
 * unknown one are failed work (exit 1), each with one sentence and no stack trace.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome, runCli, type CliResult } from './helpers/cli.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = makeHome());
});
afterEach(() => cleanup());

const cli = (args: string[]) => runCli(['callers', ...args], { env: { CONNECTORS_HOME: home } });

/** Every file under the home folder, as text. */
function everyStoredByte(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else texts.push(readFileSync(path, 'latin1'));
    }
  };
  walk(home);
  return texts.join('\n');
}

function expectOneSentence(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('callers add', () => {
  it('prints a ck_ key once on stdout; the store keeps only its SHA-256, mode 0600', async () => {
    const add = await cli(['add', 'etl', '--allow', 'tripletex/*', '--allow', '*/acme', '--credentials']);
    expect(add.code).toBe(0);
    const key = add.stdout.trim();
    expect(add.stdout).toMatch(/^ck_[A-Za-z0-9_-]{43}\n$/);
    expect(add.stderr).toContain('Added caller etl');
    expect(add.stderr).not.toContain(key.slice(3, 20));

    const file = join(home, 'callers.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = everyStoredByte();
    const digest = createHash('sha256').update(key).digest('hex');
    expect(readFileSync(file, 'utf8')).toContain(digest);
    for (const form of [key, key.slice(3), Buffer.from(key.slice(3), 'base64url').toString('hex'), Buffer.from(key).toString('base64')]) {
      expect(stored).not.toContain(form);
    }

    for (const args of [['list'], ['list', '--json']]) {
      const list = await cli(args);
      expect(list.code).toBe(0);
      expect(list.stderr).toBe('');
      for (const secret of [key, key.slice(3), digest]) expect(list.stdout).not.toContain(secret);
    }
    const json = JSON.parse((await cli(['list', '--json'])).stdout) as unknown[];
    expect(json).toEqual([{ name: 'etl', allow: ['tripletex/*', '*/acme'], credentials: true, metrics: false, createdAt: expect.any(String) }]);
  });

  it('gives every caller its own key and lists them by name in a table', async () => {
    const first = (await cli(['add', 'zeta', '--allow', 'a/b', '--metrics'])).stdout.trim();
    const second = (await cli(['add', 'alpha', '--allow', 'x/*'])).stdout.trim();
    expect(first).not.toBe(second);
    const list = await cli(['list']);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CALLER\s+ALLOW\s+CREDENTIALS\s+METRICS\s+CREATED$/);
    expect(lines[1]).toMatch(/^alpha\s+x\/\*\s+no\s+no\s+\d{4}-/);
    expect(lines[2]).toMatch(/^zeta\s+a\/b\s+no\s+yes\s+\d{4}-/);
  });

  it.each([
    [['add', 'bad name', '--allow', 'a/b'], /"bad name" is not a valid caller name/],
    [['add', '-x', '--allow', 'a/b'], /./],
    [['add', 'etl', '--allow', 'tripletex'], /"tripletex" is not a <connector>\/<connection> glob/],
    [['add', 'etl', '--allow', 'a/b/c'], /"a\/b\/c" is not a <connector>\/<connection> glob/],
    [['add', 'etl', '--allow', 'a/'], /"a\/" is not a <connector>\/<connection> glob/],
    [['add', 'etl', '--allow', 'a b/c'], /is not a <connector>\/<connection> glob/],
    [['add', 'etl'], /allow/],
  ])('refuses %j with a usage error (exit 2) and stores nothing', async (args, pattern) => {
    expectOneSentence(await cli(args), 2, pattern);
    expect(existsSync(join(home, 'callers.json'))).toBe(false);
  });

  it('refuses a name already taken (exit 1) and keeps the first key', async () => {
    await cli(['add', 'etl', '--allow', 'a/b']);
    const before = readFileSync(join(home, 'callers.json'), 'utf8');
    expectOneSentence(await cli(['add', 'etl', '--allow', 'c/d']), 1, /A caller named "etl" exists already/);
    expect(readFileSync(join(home, 'callers.json'), 'utf8')).toBe(before);
  });
});

describe('callers list', () => {
  it('says on stderr that there are none; --json prints []', async () => {
    const list = await cli(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('');
    expect(list.stderr).toMatch(/No callers yet/);
    expect(JSON.parse((await cli(['list', '--json'])).stdout)).toEqual([]);
  });
});

describe('callers remove', () => {
  it('removes the caller; removing it again is exit 1 with one sentence', async () => {
    await cli(['add', 'etl', '--allow', 'a/b']);
    await cli(['add', 'other', '--allow', 'a/b']);
    const remove = await cli(['remove', 'etl']);
    expect(remove.code).toBe(0);
    expect(remove.stderr).toContain('Removed caller etl');
    expect((JSON.parse((await cli(['list', '--json'])).stdout) as { name: string }[]).map((c) => c.name)).toEqual(['other']);
    expectOneSentence(await cli(['remove', 'etl']), 1, /There is no caller named "etl"/);
  });
});
