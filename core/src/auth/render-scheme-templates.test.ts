/**
 * `templatedOptions`: a scheme's options that read `secrets` or `session` are checked against the
 * namespaces the scheme declares and reach the scheme unrendered, for it to render per request.
 */
import { describe, expect, it } from 'vitest';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { parseYamlText } from '../manifest/load.js';
import { formatProblem } from '../manifest/problem.js';
import type { Manifest } from '../manifest/types.js';
import { validateManifestYaml } from '../manifest/validate.js';
import { defineAuthScheme } from '../plugin-api.js';
import { createBuiltInRegistry } from './schemes/index.js';
import { renderSchemeTemplates } from './render-scheme-templates.js';

const lateScheme = defineAuthScheme({
  name: 'late',
  apiVersion: 1,
  options: {
    type: 'object',
    properties: { url: { type: 'string' }, token_headers: { type: 'object', additionalProperties: { type: 'string' } } },
    additionalProperties: false,
  },
  requiredSecrets: [{ name: 'api_key' }],
  injectedSecrets: [],
  templatedOptions: { token_headers: ['config', 'secrets', 'session'] },
  authenticate: async () => ({ secrets: {} }),
  apply: () => undefined,
});
const registry = createBuiltInRegistry();
registry.register(lateScheme, 'test');

function validate(auth: string): string[] {
  const text = [
    'apiVersion: connectors/v1',
    'name: demo',
    'config: {type: object, properties: {region: {type: string, default: eu}}}',
    'auth:',
    '  scheme: late',
    auth,
    'base_url: http://127.0.0.1:9',
    'streams: [{name: items, path: /items}]',
    '',
  ].join('\n');
  const loaded = parseYamlText('m.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('templatedOptions', () => {
  it('lets a declared option read secrets and session, and checks the secret names', () => {
    expect(validate('  token_headers: {x-key: "{{ secrets.api_key }}", x-t: "{{ session.token }}"}')).toEqual([]);
    expect(validate('  token_headers: {x-key: "{{ secrets.api_kee }}"}').join('\n')).toMatch(/m\.yaml:6:\d+: .*undeclared secret `api_kee`.*did you mean `api_key`/);
    expect(validate('  token_headers: {x-key: "{{ state.cursor }}"}').join('\n')).toMatch(/only `config`, `secrets`, `session` may be used here/);
  });

  it('keeps other options to config', () => {
    expect(validate('  url: "http://x/{{ secrets.api_key }}"').join('\n')).toMatch(/only `config` may be used here/);
    expect(validate('  url: "http://x/{{ session.token }}"').join('\n')).toMatch(/only `config` may be used here/);
  });

  it('hands the option to the scheme unrendered, and renders the others with config', () => {
    const manifest = {
      apiVersion: 'connectors/v1',
      name: 'demo',
      auth: { scheme: 'late', url: 'http://x/{{ config.region }}', token_headers: { 'x-key': '{{ secrets.api_key }}-{{ config.region }}' } },
      streams: [],
    } as unknown as Manifest;
    const options = resolveAuthOptions(manifest, registry, { region: 'eu' });
    expect(options).toEqual({ url: 'http://x/eu', token_headers: { 'x-key': '{{ secrets.api_key }}-{{ config.region }}' } });
    expect(renderSchemeTemplates(options.token_headers, { secrets: { api_key: 'k-123456' }, config: { region: 'eu' } })).toEqual({ 'x-key': 'k-123456-eu' });
  });
});
