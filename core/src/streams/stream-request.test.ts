import { describe, expect, it } from 'vitest';
import { ManifestError } from '../errors.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import { compileStreamRequest, joinUrl, readsNamespace } from './stream-request.js';

const manifest = (stream: StreamDefinition, extra: Partial<Manifest> = {}): Manifest => ({
  apiVersion: 'connectors/v1',
  name: 'demo',
  auth: { scheme: 'none' },
  base_url: '{{ config.base }}',
  streams: [stream],
  ...extra,
});
const first = { params: {}, page: {} };

describe('compileStreamRequest', () => {
  it('takes the stream retry over the top-level one', () => {
    const stream: StreamDefinition = { name: 's', path: 'x', retry: { limit: 1 } };
    const context = { config: { base: 'https://api.test/v1' }, page: {} };
    expect(compileStreamRequest(manifest(stream, { retry: { limit: 9 } }), stream).build(context, first).retry).toEqual({ limit: 1 });
    const plain: StreamDefinition = { name: 's', path: 'x' };
    expect(compileStreamRequest(manifest(plain, { retry: { limit: 9 } }), plain).build(context, first)).toEqual({
      method: 'GET',
      url: 'https://api.test/v1/x',
      headers: {},
      retry: { limit: 9 },
    });
  });

  it('repeats array params, lets pagination win over stream params, and keeps the incremental param', () => {
    const stream: StreamDefinition = { name: 's', path: '/x', params: { id: [1, 2], limit: 5 } };
    const request = compileStreamRequest(manifest(stream), stream).build(
      { config: { base: 'https://api.test' }, page: {} },
      { params: { limit: '10' }, page: {} },
      { name: 'since', value: '2024-01-01' },
    );
    expect(request.url).toBe('https://api.test/x?id=1&id=2&limit=10&since=2024-01-01');
  });

  it('leaves pagination parameters to the manifest when it places page values itself', () => {
    const stream: StreamDefinition = { name: 's', path: '/x', params: { skip: '{{ page.offset }}' }, pagination: { type: 'offset' } };
    const builder = compileStreamRequest(manifest(stream), stream);
    expect(builder.placesPageValues).toBe(true);
    const request = builder.build({ config: { base: 'https://api.test' }, page: { offset: 200 } }, { params: { offset: '200', limit: '100' }, page: { offset: 200 } });
    expect(request.url).toBe('https://api.test/x?skip=200');
  });

  it('names where a bad template stands', () => {
    const stream: StreamDefinition = { name: 's', path: '/x', params: { a: '{{ config.nope }}' } };
    const builder = compileStreamRequest(manifest(stream), stream, 'connectors/demo/connector.yaml');
    expect(() => builder.build({ config: { base: 'https://api.test' }, page: {} }, first)).toThrow(/connectors\/demo\/connector.yaml \(streams\[0\]\.params\.a\)/);
    const anonymous = compileStreamRequest(manifest(stream), stream);
    expect(() => anonymous.build({ config: { base: 'https://api.test' }, page: {} }, first)).toThrow(/in the manifest \(streams\[0\]\.params\.a\)/);
  });

  it('refuses a stream without url or base_url, or a relative URL', () => {
    const stream: StreamDefinition = { name: 's', path: '/x' };
    expect(() => compileStreamRequest({ ...manifest(stream), base_url: undefined }, stream)).toThrow(ManifestError);
    const relative = compileStreamRequest(manifest(stream), stream);
    expect(() => relative.build({ config: { base: '/api' }, page: {} }, first)).toThrow(/not absolute/);
  });

  it('sends a JSON body only with POST', () => {
    const get: StreamDefinition = { name: 's', path: '/x', body: { a: 1 } };
    expect(compileStreamRequest(manifest(get), get).build({ config: { base: 'https://a.test' }, page: {} }, first).json).toBeUndefined();
    const post: StreamDefinition = { name: 's', path: '/x', method: 'POST', body: { a: '{{ page.number }}' } };
    expect(compileStreamRequest(manifest(post), post).build({ config: { base: 'https://a.test' }, page: { number: 3 } }, first).json).toEqual({ a: 3 });
  });
});

describe('joinUrl and readsNamespace', () => {
  it('joins with one slash', () => {
    expect(joinUrl('https://a.test/v2/', '/x')).toBe('https://a.test/v2/x');
    expect(joinUrl('https://a.test/v2', '')).toBe('https://a.test/v2');
  });

  it('finds references deep in a structure', () => {
    expect(readsNamespace({ a: [{ b: 'x {{ page.cursor | default("") }}' }] }, 'page')).toBe(true);
    expect(readsNamespace({ a: '{{ config.page }}' }, 'page')).toBe(false);
  });
});
