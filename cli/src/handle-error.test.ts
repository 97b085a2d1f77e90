import { AuthError, ManifestError, UsageError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { describeError } from './handle-error.js';

describe('describeError', () => {
  it('prints a manifest problem with its file:line:col and exit 1', () => {
    const error = new ManifestError('streams[0].recods: unknown key `recods`; did you mean `records`?', {
      location: { file: 'c/x/connector.yaml', line: 12, col: 5, path: 'streams[0].recods' },
    });
    expect(describeError(error)).toEqual({
      line: 'c/x/connector.yaml:12:5: streams[0].recods: unknown key `recods`; did you mean `records`?',
      exitCode: 1,
    });
  });

  it('appends the hint and keeps exit 2 for usage errors', () => {
    expect(describeError(new UsageError('Unknown connector "tripletx".', { hint: 'Did you mean "tripletex"?' }))).toEqual({
      line: 'Unknown connector "tripletx". Did you mean "tripletex"?',
      exitCode: 2,
    });
  });

  it('gives oclif parse errors their exit code and first line only', () => {
    const error = Object.assign(new Error('Nonexistent flag: --bogus\nSee more help with --help'), { oclif: { exit: 2 } });
    expect(describeError(error)).toEqual({ line: 'Nonexistent flag: --bogus', exitCode: 2 });
  });

  it('turns an unknown error into one sentence with exit 1', () => {
    expect(describeError(new TypeError('x is not a function\n    at foo (bar.js:1:1)'))).toEqual({
      line: 'Unexpected error: x is not a function',
      exitCode: 1,
    });
    expect(describeError(new AuthError('Token request failed.')).exitCode).toBe(1);
  });
});
