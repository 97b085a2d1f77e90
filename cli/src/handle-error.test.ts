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
