import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { formatProblem } from './problem.js';
import { validateManifestFile } from './validate.js';

const registry = createBuiltInRegistry();

describe('validate: references inside ~, || and nested config paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectors-validate-tmpl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const lines = async (name: string, body: string[]): Promise<[string, string[]]> => {
    const file = join(dir, name);
    await writeFile(file, ['apiVersion: connectors/v1', 'name: x', ...body, ''].join('\n'));
    const { problems } = await validateManifestFile(file, { registry });
    return [file, problems.map(formatProblem)];
  };

  it('accepts the new forms when every reference is known', async () => {
    const [, problems] = await lines('good.yaml', [
      'config: {properties: {region: {type: string}, account: {type: object, properties: {id: {type: integer}, meta: {type: object}}}}}',
      'auth: {scheme: basic}',
      'base_url: "https://{{ config.region || \\"us\\" }}.example.com"',
      'headers: {X-Auth: "{{ secrets.username ~ \\":\\" ~ secrets.password | base64 }}", X-At: "{{ now | unix }}"}',
      'streams:',
      '  - {name: a, path: "/a/{{ config.account.id }}/{{ config.account.meta.anything }}"}',
    ]);
    expect(problems).toEqual([]);
  });

  it('reports each bad reference inside ~ and || at its own column', async () => {
    const [file, problems] = await lines('refs.yaml', [
      'config: {properties: {region: {type: string}}}',
      'auth: {scheme: basic}',
      `base_url: 'https://{{ config.regoin || config.zone || "us" }}'`,
      `headers: {X-Auth: '{{ secrets.username ~ ":" ~ secrets.pasword | base64 }}'}`,
      'streams:',
      '  - {name: a, path: /a}',
    ]);
    expect(problems).toEqual([
      `${file}:5:23: base_url: undeclared config property \`regoin\` in \`config.regoin\`; did you mean \`region\`?`,
      `${file}:5:40: base_url: undeclared config property \`zone\` in \`config.zone\`; declared: region`,
      `${file}:6:48: headers["X-Auth"]: undeclared secret \`pasword\` in \`secrets.pasword\`; did you mean \`password\`?`,
    ]);
  });

  it('checks each segment of a nested config path against nested properties', async () => {
    const [file, problems] = await lines('nested.yaml', [
      'config: {properties: {account: {type: object, properties: {id: {type: integer}}}, site: {type: string}}}',
      'auth: {scheme: none}',
      'base_url: https://example.com',
      'streams:',
      '  - {name: a, path: "/{{ config.account.idd }}"}',
      '  - {name: b, path: "/{{ config.site.host }}"}',
    ]);
    expect(problems).toEqual([
      `${file}:7:26: streams[0].path: undeclared config property \`idd\` of \`config.account\` in \`config.account.idd\`; did you mean \`id\`?`,
      `${file}:8:26: streams[1].path: \`config.site\` is a string, so \`config.site.host\` reads nothing`,
    ]);
  });

  it('gives one clear sentence for a dangling ~ or ||', async () => {
    const [file, problems] = await lines('syntax.yaml', [
      'config: {properties: {a: {type: string}}}',
      'auth: {scheme: none}',
      'base_url: "https://{{ config.a ~ }}"',
      'streams:',
      '  - {name: a, path: "/{{ config.a || }}"}',
    ]);
    expect(problems).toEqual([
      `${file}:5:34: base_url: template error: expected a value after \`~\`, found \`}}\``,
      `${file}:7:38: streams[0].path: template error: expected a value after \`||\`, found \`}}\``,
    ]);
  });
});
