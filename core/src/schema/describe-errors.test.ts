import { describe, expect, it } from 'vitest';
import { compileForeignSchema } from './ajv.js';
import { describeErrors, describeValue } from './describe-errors.js';
import { formatPath, parseInstancePath } from './json-path.js';
import { suggest } from './suggest.js';

describe('suggest', () => {
  it('suggests close names only', () => {
    expect(suggest('recods', ['records', 'path'])).toBe('records');
    expect(suggest('oauth', ['none', 'oauth2', 'jwt'])).toBe('oauth2');
    expect(suggest('Records', ['records'])).toBe('records');
    expect(suggest('zzzzzz', ['records'])).toBeUndefined();
    expect(suggest('records', ['records'])).toBeUndefined();
  });
});

describe('describeErrors', () => {
  const schema = {
    type: 'object',
    properties: {
      kind: { enum: ['alpha', 'beta'] },
      n: { type: 'integer', minimum: 1 },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    },
    required: ['kind'],
    additionalProperties: false,
  };

  it('gives one actionable message per mistake', () => {
    const validate = compileForeignSchema(schema);
    const data = { kinds: 'x', n: 0, tags: ['a', 'a'] };
    expect(validate(data)).toBe(false);
    // `kinds` suggests `kind`: the missing `kind` is the same mistake, so it is not a second line.
    expect(describeErrors(validate.errors, data)).toEqual([
      { segments: ['kinds'], target: 'key', message: 'unknown key `kinds`; did you mean `kind`?' },
      { segments: ['n'], target: 'value', message: 'must be >= 1, got 0' },
      { segments: ['tags'], target: 'value', message: 'must not repeat items (items 0 and 1 are equal)' },
    ]);
    const wrong = { kind: 'alpa', n: 'x' };
    validate(wrong);
    expect(describeErrors(validate.errors, wrong).map((i) => i.message)).toEqual([
      '"alpa" is not allowed; expected one of alpha, beta; did you mean `alpha`?',
      'must be an integer, got "x"',
    ]);
  });

  it('keeps a missing key that no misspelt sibling suggests (issue 3)', () => {
    const validate = compileForeignSchema(schema);
    const data = { other: 1 };
    validate(data);
    expect(describeErrors(validate.errors, data).map((i) => i.message)).toEqual([
      'missing required key `kind`',
      'unknown key `other`; allowed: kind, n, tags',
    ]);
  });

  it('describes values and paths', () => {
    expect([describeValue(null), describeValue([]), describeValue({}), describeValue('x'.repeat(100)).length]).toEqual(['null', 'a list', 'a mapping', 62]);
    expect(formatPath(['streams', 0, 'headers', 'X-Key', 'a_b'])).toBe('streams[0].headers["X-Key"].a_b');
    expect(parseInstancePath('/streams/0/a~1b', { streams: [{}] })).toEqual(['streams', 0, 'a/b']);
    expect(parseInstancePath('/headers/0', { headers: { '0': 'x' } })).toEqual(['headers', '0']);
  });
});
