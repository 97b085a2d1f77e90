import { describe, expect, it } from 'vitest';
import { stripOneNewline } from './read-secret-value.js';

describe('stripOneNewline', () => {
  it.each([
    ['s3cret\n', 's3cret'],
    ['s3cret\r\n', 's3cret'],
    ['s3cret\n\n', 's3cret\n'],
    ['s3cret', 's3cret'],
    ['  spaced  \n', '  spaced  '],
    ['line1\nline2\n', 'line1\nline2'],
  ])('%j -> %j', (input, expected) => {
    expect(stripOneNewline(input)).toBe(expected);
  });
});
