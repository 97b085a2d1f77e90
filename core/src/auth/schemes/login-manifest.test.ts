/** `validate` on login-scheme manifests: each mistake a user makes is one file:line:col problem. */
import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../../manifest/load.js';
import { formatProblem } from '../../manifest/problem.js';
import { validateManifestYaml } from '../../manifest/validate.js';
import { createBuiltInRegistry } from './index.js';

const registry = createBuiltInRegistry();

function problems(auth: string[], scheme = 'login'): string[] {
  const text = [
    'apiVersion: connectors/v1',
    'name: acme',
    'config: {type: object, properties: {domain: {type: string, default: api.example.test}}}',
    'secrets:',
    '  - {name: username}',
    '  - {name: password}',
    'auth:',
    `  scheme: ${scheme}`,
    ...auth.map((line) => `  ${line}`),
    'base_url: "https://{{ config.domain }}"',
    'streams: [{name: items, path: /items}]',
    '',
  ].join('\n');
  const loaded = parseYamlText('acme.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

const REQUEST = ['request:', '  url: "https://{{ config.domain }}/login"', '  json: {u: "{{ secrets.username }}", p: "{{ secrets.password }}"}'];

describe('login manifests', () => {
  it('accepts a login with declared secrets, a response, a refresh and an apply block', () => {
    expect(
      problems([
        ...REQUEST,
        'response: {token: data.jwt, expires_at: "headers.x-expires", values: {account: data.account.id}}',
        'refresh:',
        '  request: {url: "https://{{ config.domain }}/refresh", form: {rt: "{{ session.refresh_token }}"}}',
        'apply:',
        '  headers: {x-session: "{{ session.token }}", x-account: "{{ auth.account }}"}',
        'token_lifetime: 3600',
      ]),
    ).toEqual([]);
  });

  it('names an undeclared secret with a suggestion', () => {
    expect(problems(['request: {url: "https://x.test/login", json: {p: "{{ secrets.pasword }}"}}'])).toEqual([
      expect.stringMatching(/^acme\.yaml:9:\d+: auth\.request\.json\.p: undeclared secret `pasword` in `secrets\.pasword`; did you mean `password`\?$/),
    ]);
  });

  it('keeps state out of the login request and of apply, and auth out of the assertion', () => {
    expect(problems(['request: {url: "https://x.test/login", json: {p: "{{ state.cursor }}"}}']).join('\n')).toMatch(
      /acme\.yaml:9:\d+: auth\.request\.json\.p: `state\.cursor`: only `config`, `secrets`, `session` may be used here/,
    );
    expect(problems([...REQUEST, 'assertion: {key: "{{ secrets.password }}", claims: {iss: "{{ auth.x }}"}}']).join('\n')).toMatch(
      /auth\.assertion\.claims\.iss: `auth\.x`: only `config`, `secrets` may be used here/,
    );
    expect(problems([...REQUEST, 'apply: {headers: {x: "{{ state.cursor }}"}}']).join('\n')).toMatch(/auth\.apply\.headers\.x: `state\.cursor`: only `config`, `secrets`, `session`, `auth` may be used here/);
  });

  it('refuses a response path that does not parse, two bodies, and an unknown method', () => {
    expect(problems([...REQUEST, 'response: {token: "data..jwt"}']).join('\n')).toMatch(/acme\.yaml:12:\d+: auth\.response\.token: the dot path "data\.\.jwt" does not parse/);
    expect(problems(['request: {url: "https://x.test/login", form: {a: b}, json: {a: b}}'])).toEqual([expect.stringMatching(/auth\.request: takes one body: `form`, `json` or `xml`, not several$/)]);
    expect(problems(['request: {url: "https://x.test/login", method: DELETE}']).join('\n')).toMatch(/auth\.request\.method/);
  });

  it('suggests the option a user misspelt', () => {
    expect(problems([...REQUEST, 'token_lifetme: 60']).join('\n')).toMatch(/unknown option `token_lifetme` for auth scheme `login`; did you mean `token_lifetime`\?/);
  });

  it('keeps apply: false for every scheme and an object apply for schemes that take one', () => {
    expect(problems([...REQUEST, 'apply: false'])).toEqual([]);
    expect(problems(['in: header', 'apply: {headers: {x: y}}'], 'api_key').join('\n')).toMatch(/unknown option `apply` for auth scheme `api_key`/);
  });
});
