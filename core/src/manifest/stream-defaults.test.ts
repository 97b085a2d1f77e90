import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { mergeUnder } from './stream-defaults.js';
import type { Manifest } from './types.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

function validate(text: string): { manifest?: Manifest; lines: string[] } {
  const loaded = parseYamlText('c.yaml', text);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const { manifest, problems } = validateManifestYaml(loaded.yaml, { registry });
  return { ...(manifest ? { manifest } : {}), lines: problems.map(formatProblem) };
}

const head = `apiVersion: connectors/v1
name: demo
auth:
  scheme: none
base_url: https://api.test
`;

describe('mergeUnder', () => {
  it('merges mappings deeply, the stream winning, and replaces lists and scalars', () => {
    const defaults = { records: 'values', params: { fields: '*', count: 10 }, primary_key: ['a', 'b'], pagination: { type: 'offset', page_size: 100 } };
    const own = { name: 's', params: { count: 5 }, primary_key: ['id'], pagination: { page_size: 50 } };
    expect(mergeUnder(defaults, own)).toEqual({
      records: 'values',
      params: { fields: '*', count: 5 },
      primary_key: ['id'],
      pagination: { type: 'offset', page_size: 50 },
      name: 's',
    });
  });

  it('copies the defaults, so streams never share a mutable value', () => {
    const defaults = { params: { a: 1 } };
    const one = mergeUnder(defaults, {}) as { params: Record<string, number> };
    one.params.a = 2;
    expect(defaults.params.a).toBe(1);
  });
});

describe('stream_defaults in a manifest', () => {
  it('is merged under every stream before validation and defaults', () => {
    const { manifest, lines } = validate(`${head}stream_defaults:
  records: values
  primary_key: id
  params: {fields: "*", count: 1000}
  pagination: {type: offset, page_size: 1000}
streams:
  - name: customers
    path: /customer
  - name: orders
    path: /order
    primary_key: [customer_id, id]
    params: {count: 50}
    pagination: {page_size: 50}
`);
    expect(lines).toEqual([]);
    expect(manifest?.streams[0]).toMatchObject({ name: 'customers', records: 'values', primary_key: 'id', params: { fields: '*', count: 1000 }, pagination: { type: 'offset', page_size: 1000 } });
    expect(manifest?.streams[1]).toMatchObject({ primary_key: ['customer_id', 'id'], params: { fields: '*', count: 50 }, pagination: { type: 'offset', page_size: 50, offset_param: 'offset' } });
  });

  it('reports a bad default once, at stream_defaults, naming the first stream that uses it', () => {
    const { lines } = validate(`${head}stream_defaults:
  recods: values
  pagination: {type: offset, page_sise: 10}
streams:
  - name: a
    path: /a
  - name: b
    path: /b
`);
    expect(lines).toEqual([
      'c.yaml:7:3: stream_defaults.recods: unknown key `recods`; did you mean `records`? (merged into stream `a`)',
      'c.yaml:8:30: stream_defaults.pagination.page_sise: unknown key `page_sise`; did you mean `page_size`? (merged into stream `a`)',
    ]);
  });

  it('reports a merged value at the stream that uses it when the stream wrote part of it', () => {
    const { lines } = validate(`${head}stream_defaults:
  pagination: {type: cursor}
streams:
  - name: a
    path: /a
    pagination: {page_size: 10}
`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^c\.yaml:11:17: streams\[0\]\.pagination: .*cursor_path/);
  });

  it('reports a stream value at the stream even when the key has a default', () => {
    const { lines } = validate(`${head}stream_defaults:
  method: GET
streams:
  - name: a
    path: /a
    method: PUT
`);
    expect(lines).toEqual(['c.yaml:11:13: streams[0].method: "PUT" is not allowed; expected one of GET, POST']);
  });

  it('refuses name as a default, at the key', () => {
    const { lines } = validate(`${head}stream_defaults:
  name: x
streams:
  - name: a
    path: /a
`);
    expect(lines).toEqual(['c.yaml:7:3: stream_defaults.name: `name` cannot be a default; each stream names itself']);
  });

  it('refuses stream_defaults that is not a mapping', () => {
    const { lines } = validate(`${head}stream_defaults: [records]
streams:
  - name: a
    path: /a
`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^c\.yaml:6:18: stream_defaults: /);
  });

  it('checks templates in a default at their place in stream_defaults', () => {
    const { lines } = validate(`${head}stream_defaults:
  params: {since: "{{ config.nope }}"}
streams:
  - name: a
    path: /a
`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^c\.yaml:7:\d+: stream_defaults\.params\.since: .*\(merged into stream `a`\)$/);
  });
});
