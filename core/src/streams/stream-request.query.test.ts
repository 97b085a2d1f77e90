import { describe, expect, it } from 'vitest';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import { compileStreamRequest } from './stream-request.js';

const manifest = (stream: StreamDefinition, extra: Partial<Manifest> = {}): Manifest => ({
  apiVersion: 'connectors/v1',
  name: 'demo',
  auth: { scheme: 'none' },
  base_url: 'https://api.test',
  streams: [stream],
  ...extra,
});
const first = { params: {}, page: {} };
const context = { config: { region: 'eu', unset: null }, secrets: { key: 'k-1234', optional_key: null }, page: {} };

describe('top-level query', () => {
  it('is sent with a stream request, before the stream params, templated', () => {
    const stream: StreamDefinition = { name: 's', path: '/x', params: { fields: 'id' } };
    const m = manifest(stream, { query: { 'api-version': '2024-01-01', region: '{{ config.region || "us" }}' } });
    expect(compileStreamRequest(m, stream).build(context, first).url).toBe('https://api.test/x?api-version=2024-01-01&region=eu&fields=id');
  });

  it("loses to the stream's own params of the same name", () => {
    const stream: StreamDefinition = { name: 's', path: '/x', params: { region: 'ap' } };
    const m = manifest(stream, { query: { region: '{{ config.region }}', v: 2 } });
    expect(compileStreamRequest(m, stream).build(context, first).url).toBe('https://api.test/x?v=2&region=ap');
  });

  it('leaves out a parameter reading an unset optional value', () => {
    const stream: StreamDefinition = { name: 's', path: '/x' };
    const m = manifest(stream, { query: { a: '{{ config.unset }}', b: '{{ config.region }}' } });
    expect(compileStreamRequest(m, stream).build(context, first).url).toBe('https://api.test/x?b=eu');
  });

  it('is rendered with the session when it reads secrets, and left out when the secret is unset', () => {
    const stream: StreamDefinition = { name: 's', path: '/x' };
    const m = manifest(stream, { query: { key: '{{ secrets.key }}', opt: '{{ secrets.optional_key }}' } });
    const request = compileStreamRequest(m, stream).build(context, first, undefined, () => ({ secrets: { key: 'k-5678', optional_key: null } }));
    expect(request.url).toBe('https://api.test/x');
    expect(request.sessionTemplates?.({ secrets: {} })).toEqual({ headers: {}, searchParams: [['key', 'k-5678']] });
  });

  it('goes onto a next-page URL only where that URL lacks it', () => {
    const stream: StreamDefinition = { name: 's', path: '/x', pagination: { type: 'next_url', next_url_path: 'next' } };
    const m = manifest(stream, { query: { v: '2', region: '{{ config.region }}' } });
    const next = { url: 'https://api.test/x?page=2&v=1', params: {}, page: {} };
    expect(compileStreamRequest(m, stream).build(context, next).url).toBe('https://api.test/x?page=2&v=1&region=eu');
  });
});
