/** `validate` on github_app manifests: the installation id must be a declared config property. */
import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../../manifest/load.js';
import { formatProblem } from '../../manifest/problem.js';
import { validateManifestYaml } from '../../manifest/validate.js';
import { createBuiltInRegistry } from './index.js';

const registry = createBuiltInRegistry();

function problems(auth: string[], config = '{type: object, properties: {installation_id: {type: integer}}}'): string[] {
  const text = [
    'apiVersion: connectors/v1',
    'name: github',
    `config: ${config}`,
    'auth:',
    '  scheme: github_app',
    ...auth.map((line) => `  ${line}`),
    'base_url: https://api.github.com',
    'streams: [{name: repos, path: /installation/repositories, records: repositories}]',
    '',
  ].join('\n');
  const loaded = parseYamlText('github.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('github_app manifests', () => {
  it('accepts an app id and the default installation id from a declared config property', () => {
    expect(problems(['app_id: 123456'])).toEqual([]);
    expect(problems(['app_id: 123456', 'installation_id: 45678901'], '{type: object, properties: {}}')).toEqual([]);
    expect(problems(['app_id: "{{ config.app_id }}"', 'permissions: {contents: read}', 'repositories: [api]'], '{type: object, properties: {app_id: {type: string}, installation_id: {type: string}}}')).toEqual([]);
  });

  it('reports the default installation id reading an undeclared config property, and a missing app_id', () => {
    const [undeclared] = problems(['app_id: 1'], '{type: object, properties: {}}');
    expect(undeclared).toBe(
      'github.yaml:5:3: auth.installation_id: undeclared config property `installation_id` in `config.installation_id`; declare it under `config.properties` (`{{ config.installation_id }}` is the default of `installation_id`)',
    );
    expect(problems([])).toEqual([expect.stringMatching(/^github\.yaml:5:3: auth: auth scheme `github_app` requires the option `app_id`/)]);
  });

  it('reports a repository written with its owner and an unknown option with a did-you-mean', () => {
    expect(problems(['app_id: 1', 'repositories: [octo-org/api]'])).toEqual([expect.stringMatching(/^github\.yaml:7:\d+: auth\.repositories\[0\]: .*does not match the pattern/)]);
    expect(problems(['app_id: 1', 'installation: 5'])).toEqual([expect.stringMatching(/unknown option `installation` for auth scheme `github_app`; did you mean `installation_id`\?/)]);
  });
});
