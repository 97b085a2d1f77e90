import { ManifestError, processRedactor } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { describeError } from './handle-error.js';

/** An error shaped like oclif's parse errors. */
function oclifError(message: string): Error {
  return Object.assign(new Error(message), { oclif: { exit: 2 } });
}

describe('describeError (issue 3: one line, the right exit code)', () => {
  it('prints a location once, and no 0:0 position', () => {
    const located = new ManifestError('m.yaml:3:1: titel: unknown key', { location: { file: 'm.yaml', line: 3, col: 1, path: 'titel' } });
    expect(describeError(located)).toEqual({ line: 'm.yaml:3:1: titel: unknown key', exitCode: 1 });
    const pathOnly = new ManifestError('no such file', { location: { file: 'x.yaml', line: 0, col: 0, path: '' } });
    expect(describeError(pathOnly).line).toBe('no such file');
    const elsewhere = new ManifestError('bad option', { location: { file: 'x.yaml', line: 2, col: 5, path: 'auth' } });
    expect(describeError(elsewhere).line).toBe('x.yaml:2:5: bad option');
  });

  it('turns oclif parse errors into one line with exit 2', () => {
    expect(describeError(oclifError('command secrets:frob not found'))).toEqual({
      line: 'Unknown command `secrets frob`; run `connectors --help` for the commands.',
      exitCode: 2,
    });
    expect(describeError(oclifError('Missing 1 required arg:\nname  A catalog name.\n\nNote: --config allows multiple values.\nSee more help with --help')).line)
      .toBe('Missing 1 required arg: name (A catalog name.)');
    expect(describeError(oclifError('Parsing --limit \n\tExpected an integer but received: abc\nSee more help with --help')).line)
      .toBe('Parsing --limit: Expected an integer but received: abc');
    expect(describeError(oclifError('Nonexistent flag: --bogus\nSee more help with --help')).line).toBe('Nonexistent flag: --bogus');
  });

  it('an unknown error is one sentence, exit 1', () => {
    expect(describeError(new TypeError('x is not a function\n    at y'))).toEqual({ line: 'Unexpected error: x is not a function', exitCode: 1 });
  });

  it('reports an interrupted run as failed work, exit 1 (DESIGN.md section 7)', () => {
    const abort = new AbortController();
    abort.abort();
    let error: unknown;
    try {
      abort.signal.throwIfAborted();
    } catch (caught) {
      error = caught;
    }
    expect(describeError(error)).toEqual({ line: 'Interrupted; the state reached so far is saved.', exitCode: 1 });
  });
});

// Issue 9: the first line was cut out of an error message before it was redacted.
describe('describeError redacts before it shortens', () => {
  const secret = 'Hx7-first-half\nsecond-half-Qw9';
  processRedactor.add(secret);

  it('an unknown error whose message holds a secret across lines shows none of it', () => {
    const { line } = describeError(new Error(`request failed: ${secret} was refused\n    at frame`));
    expect(line).toBe('Unexpected error: request failed: *** was refused');
  });

  it('an oclif message joined into one line shows none of a secret across its lines', () => {
    const { line } = describeError(oclifError(`Parsing --value\n\tExpected a number but received: ${secret}\nSee more help with --help`));
    expect(line).toBe('Parsing --value: Expected a number but received: ***');
  });

  it('one of our errors with a secret across lines is one line without it', () => {
    const { line } = describeError(new ManifestError(`bad value ${secret} in the file`));
    expect(line).toBe('bad value *** in the file');
  });
});

describe('describeError: system errors as one sentence (issue 9)', () => {
  const systemError = (code: string, syscall: string, path: string, dest?: string) =>
    Object.assign(new Error(`${code}: some errno text, ${syscall} '${path}'`), { code, syscall, path, ...(dest ? { dest } : {}) });

  it.each([
    [systemError('ENOTDIR', 'mkdir', '/h/state'), 'Could not create the folder /h/state: a part of that path is a file, not a folder (ENOTDIR); check CONNECTORS_HOME, secret_store.path in connectors.config.yaml and --output.'],
    [systemError('EEXIST', 'mkdir', 'out'), 'Could not create the folder out: a file is in the way (EEXIST); choose another path or move the file away.'],
    [systemError('ENAMETOOLONG', 'open', '/h/x'), 'Could not open /h/x: the name is too long for the file system (ENAMETOOLONG); use a shorter name or path.'],
    [systemError('ENOSPC', 'write', 'out/a.jsonl'), 'Could not write out/a.jsonl: the disk is full (ENOSPC); free some space and run again.'],
    [systemError('EACCES', 'open', '/h/secrets.enc'), 'Could not open /h/secrets.enc: permission denied (EACCES); check the permissions, or set CONNECTORS_HOME to a folder you may write.'],
    [systemError('EPERM', 'rename', '/h/t', '/h/secrets.enc'), 'Could not replace /h/secrets.enc: the operation is not permitted (EPERM); check the permissions, or set CONNECTORS_HOME to a folder you may write.'],
    [systemError('EROFS', 'open', '/h/locks/a.lock'), 'Could not open /h/locks/a.lock: the file system is read-only (EROFS); set CONNECTORS_HOME (or secret_store.path, or --output) to a writable folder.'],
  ])('%s', (error, line) => {
    expect(describeError(error)).toEqual({ line, exitCode: 1 });
  });

  it('finds a system error in the cause chain', () => {
    const wrapped = new Error('outer', { cause: systemError('ENOSPC', 'write', 'f') });
    expect(describeError(wrapped).line).toBe('Could not write f: the disk is full (ENOSPC); free some space and run again.');
  });

  it('a stack overflow says the input is nested too deeply', () => {
    const overflow = (n: number): number => overflow(n + 1) + 1;
    let error: unknown;
    try {
      overflow(0);
    } catch (e) {
      error = e;
    }
    expect(describeError(error)).toEqual({ line: expect.stringMatching(/^The input is nested too deeply to process/), exitCode: 1 });
  });
});
