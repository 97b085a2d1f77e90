import { describe, expect, it } from 'vitest';
import { HttpError, ManifestError } from '../errors.js';
import { compilePath, extractRecords, getPath, normalizePrimaryKey, parsePath } from './records.js';

describe('parsePath', () => {
  it('splits dots, indexes and bracket names', () => {
    expect(parsePath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parsePath('["odata.nextLink"]')).toEqual(['odata.nextLink']);
    expect(parsePath("a['x.y'].z")).toEqual(['a', 'x.y', 'z']);
    expect(parsePath('a["x"]["y"]')).toEqual(['a', 'x', 'y']);
  });

  it('rejects paths that do not parse', () => {
    expect(() => parsePath('a..b')).toThrow(ManifestError);
    expect(() => parsePath('a.')).toThrow(/ends with a dot/);
    expect(() => parsePath('a["b')).toThrow(/unclosed bracket/);
    expect(() => parsePath('a[x]')).toThrow(/number or a quoted name/);
  });
});

describe('compilePath', () => {
  const body = { values: [{ id: 1 }], 'odata.nextLink': 'https://x/next', paging: { next: { after: 'c2' } } };

  it('reads nested values, bracket keys and indexes', () => {
    expect(compilePath('paging.next.after')(body)).toBe('c2');
    expect(compilePath('["odata.nextLink"]')(body)).toBe('https://x/next');
    expect(compilePath('values[0].id')(body)).toBe(1);
    expect(getPath(body, 'values')).toEqual([{ id: 1 }]);
  });

  it('gives undefined for missing steps and the value itself for an empty path', () => {
    expect(compilePath('paging.prev.after')(body)).toBeUndefined();
    expect(compilePath('values.x.y')(body)).toBeUndefined();
    expect(compilePath('a')(null)).toBeUndefined();
    expect(compilePath(undefined)(body)).toBe(body);
  });
});

describe('extractRecords', () => {
  it('returns the array at the path, or the body itself', () => {
    expect(extractRecords({ data: { items: [1, 2] } }, 'data.items', { stream: 's' })).toEqual([1, 2]);
    expect(extractRecords([{ a: 1 }], undefined, { stream: 's' })).toEqual([{ a: 1 }]);
  });

  it('names the stream and path when there is no array', () => {
    const call = (): unknown => extractRecords({ data: {} }, 'data.items', { stream: 'customers', url: 'https://api/x' });
    expect(call).toThrow(HttpError);
    expect(call).toThrow('Stream "customers": the response from https://api/x holds nothing at "data.items", not an array of records.');
    expect(() => extractRecords({ a: 1 }, undefined, { stream: 's' })).toThrow(/holds an object as its body/);
  });
});

describe('normalizePrimaryKey', () => {
  it('turns a string or list into key_properties', () => {
    expect(normalizePrimaryKey('id')).toEqual(['id']);
    expect(normalizePrimaryKey(['a', 'b'])).toEqual(['a', 'b']);
    expect(normalizePrimaryKey(undefined)).toEqual([]);
  });
});
