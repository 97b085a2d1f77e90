import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../errors.js';
import { parsePath, readPath } from './read-path.js';

describe('parsePath', () => {
  it('splits dot paths and keeps bracketed keys with dots whole', () => {
    expect(parsePath('value.token')).toEqual(['value', 'token']);
    expect(parsePath('["odata.nextLink"]')).toEqual(['odata.nextLink']);
    expect(parsePath("data['a.b'].c")).toEqual(['data', 'a.b', 'c']);
    expect(parsePath('items[0].id')).toEqual(['items', '0', 'id']);
  });

  it('rejects an unclosed bracket', () => {
    expect(() => parsePath('["odata.nextLink"')).toThrow(ManifestError);
  });
});

describe('readPath', () => {
  const body = { AccessToken: 'a', value: { token: 't' }, 'odata.nextLink': 'n', list: [{ id: 7 }] };

  it('reads nested, bracketed and indexed values', () => {
    expect(readPath(body, 'AccessToken')).toBe('a');
    expect(readPath(body, 'value.token')).toBe('t');
    expect(readPath(body, '["odata.nextLink"]')).toBe('n');
    expect(readPath(body, 'list[0].id')).toBe(7);
  });

  it('gives undefined for a missing step', () => {
    expect(readPath(body, 'value.missing.deeper')).toBeUndefined();
    expect(readPath(body, 'AccessToken.x')).toBeUndefined();
    expect(readPath(null, 'a')).toBeUndefined();
  });
});
