import { UsageError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { checkPathValues, describeBadPathValue } from './flag-values.js';

describe('checkPathValues (issue 9)', () => {
  it.each(['', '   '])('refuses the empty value %j', (value) => {
    expect(describeBadPathValue(value)).toBe('must not be empty');
    expect(() => checkPathValues({ '--output': value })).toThrow(new UsageError('--output must not be empty.'));
  });

  it('refuses control characters, shown escaped on one line', () => {
    expect(() => checkPathValues({ '--state': 'a\nb' })).toThrow(new UsageError('--state must not hold control characters (got "a\\nb").'));
  });

  it('accepts ordinary paths and flags that were not given', () => {
    expect(() => checkPathValues({ '--output': 'out/dir', '--state': undefined, PACKAGE: '@acme/x@^2' })).not.toThrow();
  });
});
