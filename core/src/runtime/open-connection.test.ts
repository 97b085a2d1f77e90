import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { checkConnectionName } from './open-connection.js';

describe('checkConnectionName', () => {
  it.each(['default', 'acme-as', 'tenant_2', 'eu.prod', '_x'])('accepts %j', (name) => {
    expect(checkConnectionName(name)).toBe(name);
  });

  it.each(['', '../../etc', 'a/b', '.hidden', '-flag', 'a..b', 'with space', 'ü'])('refuses %j with a usage error', (name) => {
    expect(() => checkConnectionName(name)).toThrow(UsageError);
    expect(() => checkConnectionName(name)).toThrow(/is not a valid connection name/);
  });
});
