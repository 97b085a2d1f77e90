import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { describeDestination, parseDestination } from './parse-destination.js';
import { splitCommandLine } from './split-command-line.js';

function refusal(spec: string): UsageError {
  try {
    parseDestination(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`parseDestination accepted ${JSON.stringify(spec)}`);
}

describe('parseDestination (issue 13)', () => {
  it('reads postgres as the store database, with the default schema', () => {
    expect(parseDestination('postgres')).toEqual({ type: 'postgres', schema: 'connectors_data' });
    expect(parseDestination(' postgres ')).toEqual({ type: 'postgres', schema: 'connectors_data' });
    expect(parseDestination('postgres?schema=raw')).toEqual({ type: 'postgres', schema: 'raw' });
  });

  it('reads postgres:<url>, and a postgres:// URL alone, keeping the URL but not its schema parameter', () => {
    expect(parseDestination('postgres:postgres://u:p%40ss@db.example:6543/warehouse')).toEqual({
      type: 'postgres',
      url: 'postgres://u:p%40ss@db.example:6543/warehouse',
      schema: 'connectors_data',
    });
    expect(parseDestination('postgresql://u@h/db?schema=landing&sslmode=require')).toEqual({
      type: 'postgres',
      url: 'postgresql://u@h/db?sslmode=require',
      schema: 'landing',
    });
  });

  it('reads dir:<path> as given', () => {
    expect(parseDestination('dir:./out')).toEqual({ type: 'dir', path: './out' });
    expect(parseDestination('dir:/var/data with space')).toEqual({ type: 'dir', path: '/var/data with space' });
    expect(parseDestination('DIR:x')).toEqual({ type: 'dir', path: 'x' });
  });

  it('splits command:<program and args> as a shell would', () => {
    expect(parseDestination(`command:target-jsonl --config "my target.json" 'a b' c\\ d`)).toEqual({
      type: 'command',
      argv: ['target-jsonl', '--config', 'my target.json', 'a b', 'c d'],
    });
  });

  it('refuses an unknown scheme with one sentence listing the known ones, exit 2', () => {
    const error = refusal('s3://bucket/key');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('Unknown destination "s3"; the known destinations are postgres, postgres:<url>, dir:<path> and command:<program and args>.');
    expect(refusal('mysql://user:hunter22@host/db').message).not.toContain('hunter22');
    expect(refusal('kafka').message).toMatch(/^Unknown destination "kafka"/);
  });

  it('refuses empty and malformed values without repeating a URL', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('dir:').message).toMatch(/needs a folder/);
    expect(refusal('command:').message).toMatch(/names no program/);
    expect(refusal('postgres:http://user:hunter22@host/db').message).not.toContain('hunter22');
    expect(refusal('postgres:not a url').message).toMatch(/needs a URL/);
    expect(refusal('postgres?schema=1bad').message).toMatch(/schema must be a PostgreSQL name/);
    expect(refusal('dir:a\nb').message).toMatch(/control characters/);
    expect(refusal('9lives').message).toMatch(/does not start with a known scheme/);
  });

  it('describes a destination without the password', () => {
    expect(describeDestination(parseDestination('postgres:postgres://me:hunter22@h:5433/db'))).toBe('postgres://me@h:5433/db (schema connectors_data)');
    expect(describeDestination(parseDestination('postgres'))).toBe("postgres (the store's database, schema connectors_data)");
    expect(describeDestination(parseDestination('command:target-csv --x'))).toBe('command:target-csv');
    expect(describeDestination(parseDestination('dir:out'))).toBe('dir:out');
  });
});

describe('splitCommandLine', () => {
  it('keeps single quotes literal and handles escapes in double quotes', () => {
    expect(splitCommandLine(`a 'b "c" \\d' "e \\"f\\" \\\\ \\n" g''h ""`)).toEqual(['a', 'b "c" \\d', 'e "f" \\ \\n', 'gh', '']);
  });

  it('separates on any run of blanks', () => {
    expect(splitCommandLine('  prog\t\targ  ')).toEqual(['prog', 'arg']);
  });

  it('refuses what only a shell would do, unclosed quotes and a trailing backslash', () => {
    expect(() => splitCommandLine('target | tee log')).toThrow(/without a shell, so \| would not do what a shell does/);
    expect(() => splitCommandLine('target $HOME')).toThrow(/\$ would not/);
    expect(() => splitCommandLine('target > out')).toThrow(UsageError);
    expect(() => splitCommandLine('target "open')).toThrow(/" that is not closed/);
    expect(() => splitCommandLine("target 'open")).toThrow(/' that is not closed/);
    expect(() => splitCommandLine('target \\')).toThrow(/backslash/);
    expect(splitCommandLine(`target '|' "$x"`)).toEqual(['target', '|', '$x']);
  });
});
