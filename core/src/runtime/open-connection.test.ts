import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { checkConnectionName } from './open-connection.js';

describe('checkConnectionName', () => {
  it.each(['default', 'acme-as', 'tenant_2', 'eu.prod', '_x'])('accepts %j', (name) => {
    expect(checkConnectionName(name)).toBe(name);
  });

  it.each(['', '../../etc', 'a/b', '.hidden', '-flag', 'a..b', 'with space', 'ü', '__proto__', 'constructor', 'prototype', 'x'.repeat(101)])('refuses %j with a usage error', (name) => {
    expect(() => checkConnectionName(name)).toThrow(UsageError);
    expect(() => checkConnectionName(name)).toThrow(/is not a valid connection name/);
  });

  it('accepts 100 characters; quotes a bad name on one line, cut to 40 characters (issue 9)', () => {
    expect(checkConnectionName('x'.repeat(100))).toBe('x'.repeat(100));
    expect(() => checkConnectionName('a\nb')).toThrow(/^"a\\nb" is not a valid connection name/);
    expect(() => checkConnectionName('y'.repeat(300))).toThrow(new RegExp(`^"${'y'.repeat(40)}…" \\(300 characters\\) is not a valid`));
  });
});
