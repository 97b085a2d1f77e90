/** `validate` on jwt_signed manifests: each mistake is one file:line:col problem. */
import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../../manifest/load.js';
import { formatProblem } from '../../manifest/problem.js';
import { validateManifestYaml } from '../../manifest/validate.js';
import { createBuiltInRegistry } from './index.js';

const registry = createBuiltInRegistry();

function problems(auth: string[]): string[] {
  const text = [
    'apiVersion: connectors/v1',
    'name: asc',
    'config: {type: object, properties: {issuer_id: {type: string}, key_id: {type: string}}}',
    'secrets:',
    '  - {name: user}',
    'auth:',
    '  scheme: jwt_signed',
    ...auth.map((line) => `  ${line}`),
    'base_url: "https://api.example.test"',
    'streams: [{name: apps, path: /v1/apps}]',
    '',
  ].join('\n');
  const loaded = parseYamlText('asc.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('jwt_signed manifests', () => {
  it('accepts App Store Connect and Ghost manifests', () => {
    expect(
      problems([
        'alg: ES256',
        'kid: "{{ config.key_id }}"',
        'claims: {iss: "{{ config.issuer_id }}", aud: appstoreconnect-v1, iat: "{{ now | unix }}", sub: "{{ secrets.user }}"}',
        'lifetime: 1200',
      ]),
    ).toEqual([]);
    expect(problems(['alg: HS256', 'key_encoding: hex', 'key_id_separator: ":"', 'claims: {aud: /admin/}', 'apply: {headers: {Authorization: "Ghost {{ session.token }}"}}'])).toEqual([]);
  });

  it('requires alg and refuses one it does not sign with', () => {
    expect(problems(['claims: {aud: x}'])).toEqual([expect.stringMatching(/^asc\.yaml:7:\d+: auth: auth scheme `jwt_signed` requires the option `alg`$/)]);
    expect(problems(['alg: none']).join('\n')).toMatch(/^asc\.yaml:8:\d+: auth\.alg: "none" is not allowed; expected one of HS256, HS384, /);
  });

  it('refuses HMAC key options with a PEM alg, and a lifetime that is not positive', () => {
    expect(problems(['alg: ES256', 'key_encoding: hex'])).toEqual([
      expect.stringMatching(/^asc\.yaml:7:\d+: auth: `key_encoding` and `key_id_separator` are for HS256, HS384 and HS512; a PEM private key needs neither$/),
    ]);
    expect(problems(['alg: HS256', 'lifetime: 0']).join('\n')).toMatch(/auth\.lifetime: must be > 0/);
  });

  it('checks the namespaces and secrets the templates read, and suggests a misspelt option', () => {
    expect(problems(['alg: HS256', 'claims: {sub: "{{ secrets.usr }}"}']).join('\n')).toMatch(/auth\.claims\.sub: undeclared secret `usr`/);
    expect(problems(['alg: HS256', 'kid: "{{ session.token }}"']).join('\n')).toMatch(/auth\.kid: `session\.token`: only `config`, `secrets` may be used here/);
    expect(problems(['alg: HS256', 'lifetim: 60']).join('\n')).toMatch(/unknown option `lifetim` for auth scheme `jwt_signed`; did you mean `lifetime`\?/);
  });
});
