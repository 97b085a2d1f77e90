/**
 * Issue 9: `validate` refuses what `run` would reject, each as one `file:line:col: path: message`
 * problem: malformed dot paths, URLs that are not URLs once rendered, reserved keys, config
 * defaults that contradict their type, invalid header names.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

/** A valid manifest with `auth`, `config`, top-level extras and one stream's extras spliced in. */
function manifest(parts: { config?: string; auth?: string; top?: string; stream?: string } = {}): string {
  return [
    'apiVersion: connectors/v1',
    'name: demo',
    'config:',
    '  type: object',
    '  properties:',
    '    base_url: {type: string, default: "http://127.0.0.1:9"}',
    ...(parts.config ? [parts.config] : []),
    'auth:',
    ...(parts.auth ? [parts.auth] : ['  scheme: none']),
    'base_url: "{{ config.base_url }}"',
    ...(parts.top ? [parts.top] : []),
    'streams:',
    '  - name: items',
    '    path: /items',
    ...(parts.stream ? [parts.stream] : []),
    '',
  ].join('\n');
}

function problems(text: string): string[] {
  const loaded = parseYamlText('m.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('validate: the base manifest is valid', () => {
  it('has no problems', () => {
    expect(problems(manifest())).toEqual([]);
  });
});

describe('validate: malformed dot paths (issue 9)', () => {
  it.each([
    ['paging.next.', 'the dot path "paging.next." does not parse: it ends with a dot'],
    ['["x', 'the dot path "["x" does not parse: unclosed bracket at character 1'],
    ['.', 'the dot path "." does not parse: an empty name at character 1'],
    ['a..b', 'the dot path "a..b" does not parse: an empty name at character 3'],
  ])('records: %j', (path, message) => {
    expect(problems(manifest({ stream: `    records: ${JSON.stringify(path)}` }))).toEqual([`m.yaml:13:14: streams[0].records: ${message}`]);
  });

  it('cursor_path, next_url_path and cursor_field too; good paths pass', () => {
    const cursor = manifest({ stream: '    records: \'["odata.value"]\'\n    pagination: {type: cursor, cursor_path: "a."}\n    incremental: {param: since, cursor_field: "x..y"}' });
    expect(problems(cursor)).toEqual([
      expect.stringMatching(/^m\.yaml:14:45: streams\[0\]\.pagination\.cursor_path: the dot path "a\." does not parse/),
      expect.stringMatching(/^m\.yaml:15:47: streams\[0\]\.incremental\.cursor_field: the dot path "x\.\.y" does not parse/),
    ]);
    const next = manifest({ stream: '    pagination: {type: next_url, next_url_path: "[0"}' });
    expect(problems(next)).toEqual([expect.stringMatching(/^m\.yaml:13:49: streams\[0\]\.pagination\.next_url_path: the dot path "\[0" does not parse/)]);
  });

  it('the jwt response paths', () => {
    const text = manifest({ auth: '  scheme: jwt\n  login_url: http://127.0.0.1:9/login\n  response: {access_token: "data."}' });
    expect(problems(text)).toEqual([expect.stringMatching(/^m\.yaml:\d+:\d+: auth\.response\.access_token: the dot path "data\." does not parse: it ends with a dot$/)]);
  });
});

describe('validate: URL options that are not URLs once rendered (issue 9)', () => {
  it('a token_url rendered from a config default', () => {
    const text = manifest({ auth: '  scheme: oauth2\n  grant_type: client_credentials\n  token_url: "{{ config.base_url }} x"' });
    expect(problems(text)).toEqual([
      'm.yaml:10:14: auth.token_url: "{{ config.base_url }} x" renders to "http://127.0.0.1:9 x", which is not an absolute http(s) URL',
    ]);
  });

  it('a literal that is not a URL, in any *_url option, base_url and a stream url', () => {
    const auth = manifest({ auth: '  scheme: jwt\n  login_url: "/login"' });
    expect(problems(auth)).toEqual(['m.yaml:9:14: auth.login_url: "/login" is not an absolute http(s) URL']);
    const base = manifest({ top: 'headers: {}' }).replace('base_url: "{{ config.base_url }}"', 'base_url: "ftp://x"');
    expect(problems(base)).toEqual(['m.yaml:9:11: base_url: "ftp://x" is not an absolute http(s) URL']);
    const stream = manifest({ stream: '    url: "{{ config.base_url }}:x/items"' });
    expect(problems(stream)).toEqual([expect.stringMatching(/^m\.yaml:13:10: streams\[0\]\.url: .* is not an absolute http\(s\) URL$/)]);
  });

  it('leaves alone a URL whose template needs a value known only at run time', () => {
    const text = manifest({ config: '    tenant: {type: string}', auth: '  scheme: oauth2\n  grant_type: client_credentials\n  token_url: "https://{{ config.tenant }}.example.com/token"' });
    expect(problems(text)).toEqual([]);
  });
});

describe('validate: reserved keys (issue 9)', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('%s under auth is one problem at the key', (key) => {
    const text = manifest({ auth: `  scheme: none\n  ${key}: 1` });
    expect(problems(text)).toEqual([`m.yaml:9:3: auth.${key}: \`${key}\` cannot be used as a key (JavaScript objects reserve it); rename it`]);
  });

  it('anywhere user keys become object keys: config properties, params, bodies', () => {
    const text = manifest({ config: '    __proto__: {type: string}', stream: '    params: {constructor: x}\n    body: {a: {prototype: 1}}' });
    expect(problems(text)).toEqual([
      expect.stringMatching(/^m\.yaml:7:5: config\.properties\.__proto__: `__proto__` cannot be used as a key/),
      expect.stringMatching(/^m\.yaml:14:14: streams\[0\]\.params\.constructor: `constructor` cannot be used as a key/),
      expect.stringMatching(/^m\.yaml:15:16: streams\[0\]\.body\.a\.prototype: `prototype` cannot be used as a key/),
    ]);
  });
});

describe('validate: a config default that contradicts its own type (issue 9)', () => {
  it.each([
    ['{type: integer, default: "abc"}', 'must be an integer, got "abc"'],
    ['{type: boolean, default: 1}', 'must be a boolean (true or false), got 1'],
    ['{type: string, enum: [a, b], default: c}', '"c" is not allowed; expected one of a, b'],
  ])('%s', (schema, message) => {
    const text = manifest({ config: `    n: ${schema}` });
    expect(problems(text)).toEqual([expect.stringMatching(new RegExp(`^m\\.yaml:7:\\d+: config\\.properties\\.n\\.default: the default contradicts the property's own schema: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))]);
  });

  it('a default that fits passes', () => {
    expect(problems(manifest({ config: '    n: {type: integer, minimum: 1, default: 5}' }))).toEqual([]);
  });
});

describe('validate: header names (issue 9)', () => {
  it('a NUL byte, a space, a colon: one problem each, at the key', () => {
    const text = manifest({ top: 'headers:\n  "X\\0Y": a\n  "bad name": b\n  "a:b": c\n  X-Good: d' });
    expect(problems(text)).toEqual([
      'm.yaml:11:3: headers["X\\u0000Y"]: header name "X\\u0000Y" is not valid; use letters, digits and !#$%&\'*+-.^_`|~ only',
      expect.stringMatching(/^m\.yaml:12:3: headers\["bad name"\]: header name "bad name" is not valid/),
      expect.stringMatching(/^m\.yaml:13:3: headers\["a:b"\]: header name "a:b" is not valid/),
    ]);
  });

  it('on a stream, and the api_key header name', () => {
    const text = manifest({ auth: '  scheme: api_key\n  name: "X Key"', stream: '    headers: {"a b": x}' });
    expect(problems(text)).toEqual([
      expect.stringMatching(/^m\.yaml:9:9: auth\.name: header name "X Key" is not valid/),
      expect.stringMatching(/^m\.yaml:14:15: streams\[0\]\.headers\["a b"\]: header name "a b" is not valid/),
    ]);
    expect(problems(manifest({ auth: '  scheme: api_key\n  in: query\n  name: "x y"' }))).toEqual([]);
  });
});
