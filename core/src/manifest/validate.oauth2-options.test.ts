/**
 * `validate` on the oauth2 options of DESIGN.md section 12: each mistake is one
 * `file:line:col: path: message` problem (the scheme schema for values and unknown keys, the
 * dot-path check for token_response and token_values, the template check for token_headers).
 */
import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

function manifest(auth: string[], tokenUrl = true): string {
  return [
    'apiVersion: connectors/v1',
    'name: demo',
    'config:',
    '  type: object',
    '  properties:',
    '    base_url: {type: string, default: "http://127.0.0.1:9"}',
    'auth:',
    '  scheme: oauth2',
    ...(tokenUrl ? ['  token_url: "{{ config.base_url }}/token"'] : []),
    ...auth.map((line) => `  ${line}`),
    'base_url: "{{ config.base_url }}"',
    'streams:',
    '  - name: items',
    '    path: /items',
    '',
  ].join('\n');
}

function problems(auth: string[], tokenUrl = true): string[] {
  const loaded = parseYamlText('m.yaml', manifest(auth, tokenUrl));
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('validate: oauth2 options', () => {
  it('accepts every new option together', () => {
    expect(
      problems([
        'grant_type: account_credentials',
        'scopes: [a, b]',
        'scope_separator: ","',
        'authorization_params: {access_type: offline, audience: "{{ config.base_url }}"}',
        'token_request_format: json',
        'token_headers: {X-Id: "{{ secrets.client_id }}", X-Base: "{{ config.base_url }}"}',
        'refresh_url: "{{ config.base_url }}/refresh"',
        'refresh_params: {duration: permanent}',
        'token_response: {access_token: authed_user.access_token, expires_at: data.expires_at}',
        'expires_in_unit: ms',
        'token_lifetime: 3600',
        'token_values: {instance_url: instance_url, tenant: "tenants[0].id"}',
        'basic_encoding: raw',
        'client_auth: none',
      ]),
    ).toEqual([]);
  });

  it('a token_response path that does not parse, at its value', () => {
    expect(problems(['token_response: {access_token: "authed_user."}'])).toEqual([
      expect.stringMatching(/^m\.yaml:10:\d+: auth\.token_response\.access_token: the dot path "authed_user\." does not parse: it ends with a dot$/),
    ]);
  });

  it('a token_values path that does not parse', () => {
    expect(problems(['token_values: {instance_url: "a..b"}'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.token_values\.instance_url: the dot path "a\.\.b" does not parse/)]);
  });

  it('a misspelt token_response key, with a suggestion', () => {
    expect(problems(['token_response: {acess_token: x}'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.token_response\.acess_token: unknown key `acess_token`; did you mean `access_token`\?$/)]);
  });

  it('a misspelt option, with a suggestion', () => {
    expect(problems(['token_header: {X-A: b}'])).toEqual([expect.stringMatching(/^m\.yaml:10:3: auth\.token_header: unknown option `token_header` .*did you mean `token_headers`\?$/)]);
  });

  it('a value outside an enum', () => {
    expect(problems(['token_request_format: xml'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.token_request_format: .*form.*json/)]);
    expect(problems(['client_auth: secret'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.client_auth: .*none/)]);
  });

  it('a grant_type with a space', () => {
    expect(problems(['grant_type: "client credentials"'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.grant_type: /)]);
  });

  it('token_headers reading an undeclared secret, and authorization_params reading secrets at all', () => {
    expect(problems(['token_headers: {X-Key: "{{ secrets.api_key }}"}'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.token_headers\["X-Key"\]: undeclared secret `api_key` in `secrets\.api_key`/)]);
    expect(problems(['authorization_params: {x: "{{ secrets.client_id }}"}'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.authorization_params\.x: .*secrets/)]);
  });

  it('token_url is required except for jwt_bearer (a service account key names its token_uri)', () => {
    expect(problems(['grant_type: client_credentials'], false)).toEqual([expect.stringMatching(/^m\.yaml:8:3: auth: auth scheme `oauth2` requires the option `token_url`$/)]);
    expect(problems(['grant_type: jwt_bearer', 'subject: "{{ config.base_url }}"'], false)).toEqual([]);
  });

  it('client_assertion is a file or a command, not both, and the new client_auth values pass', () => {
    expect(problems(['client_assertion: {file: /tmp/t}', 'kid: k1'])).toEqual([]);
    expect(problems(['client_assertion: {command: [print-token, --audience, x]}', 'client_auth: private_key_jwt'])).toEqual([]);
    expect(problems(['client_assertion: {file: /tmp/t, command: [x]}'])).not.toEqual([]);
    expect(problems(['client_assertion: {command: []}'])).not.toEqual([]);
  });

  it('discovery: mcp needs resource, not token_url or authorize_url', () => {
    expect(problems(['discovery: mcp', 'resource: "{{ config.base_url }}/mcp"'], false)).toEqual([]);
    expect(problems(['discovery: mcp', 'resource: "https://mcp.example.com/mcp"', 'client_auth: none', 'scopes: [mcp:tools]'], false)).toEqual([]);
    expect(problems(['discovery: mcp'], false)).toEqual(['m.yaml:8:3: auth: auth scheme `oauth2` requires the option `resource` (needed with `discovery`)']);
  });

  it('discovery: mcp wants an http(s) resource, the code grant and no issuer, each one problem', () => {
    expect(problems(['discovery: mcp', 'resource: mcp-server'], false)).toEqual(['m.yaml:10:13: auth.resource: "mcp-server" is not an absolute http(s) URL']);
    expect(problems(['discovery: mcp', 'resource: "{{ config.base_url }}"', 'grant_type: client_credentials'], false)).toEqual([
      'm.yaml:8:3: auth: discovery: mcp works with grant_type authorization_code only (the MCP authorization flow)',
    ]);
    expect(problems(['discovery: mcp', 'resource: "{{ config.base_url }}"', 'issuer: https://auth.example.com'], false)).toEqual([
      "m.yaml:8:3: auth: issuer and discovery: mcp do not go together: the MCP server's metadata names its authorization server",
    ]);
    expect(problems(['discovery: oidc', 'resource: "{{ config.base_url }}"'])).toEqual([expect.stringMatching(/^m\.yaml:10:\d+: auth\.discovery: "oidc" is not allowed; expected one of mcp$/)]);
  });

  it('tls_client_certificate is a boolean, and tls_client_auth a client_auth', () => {
    expect(problems(['tls_client_certificate: true', 'grant_type: client_credentials'])).toEqual([]);
    expect(problems(['client_auth: tls_client_auth'])).toEqual([]);
    expect(problems(['tls_client_certificate: "yes"'])).toEqual([expect.stringMatching(/^m\.yaml:10:27: auth\.tls_client_certificate: .*boolean/)]);
    expect(problems(['tls_client_certificat: true'])).toEqual([expect.stringMatching(/^m\.yaml:10:3: auth\.tls_client_certificat: unknown option .*did you mean `tls_client_certificate`\?$/)]);
  });
});
