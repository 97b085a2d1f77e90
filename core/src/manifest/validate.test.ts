import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInSchemes, createBuiltInRegistry } from '../auth/schemes/index.js';
import { ManifestError } from '../errors.js';
import { loadManifest } from './load-manifest.js';
import { formatProblem } from './problem.js';
import { validateManifestFile } from './validate.js';
import { validatePaths } from './validate-paths.js';

const registry = createBuiltInRegistry();
const fixtures = 'src/manifest/__fixtures__';
const bad = (name: string) => `${fixtures}/bad/${name}`;

async function lines(file: string): Promise<string[]> {
  const { manifest, problems } = await validateManifestFile(file, { registry });
  if (problems.length) expect(manifest).toBeUndefined();
  return problems.map(formatProblem);
}

describe('validateManifestFile: bad input gives one clear line each', () => {
  it('a YAML syntax error', async () => {
    expect(await lines(bad('syntax.yaml'))).toEqual([expect.stringMatching(/^src\/manifest\/__fixtures__\/bad\/syntax\.yaml:\d+:\d+: YAML syntax error: /)]);
  });

  it('a tab-indented file', async () => {
    expect(await lines(bad('tabs.yaml'))).toEqual([`${bad('tabs.yaml')}:4:1: a tab is used for indentation; indent with spaces`]);
  });

  it('an empty file', async () => {
    expect(await lines(bad('empty.yaml'))).toEqual([`${bad('empty.yaml')}:1:1: the file is empty; a manifest is a YAML mapping`]);
  });

  it('a list instead of a mapping', async () => {
    expect(await lines(bad('list.yaml'))).toEqual([`${bad('list.yaml')}:1:1: the document is a list; a manifest must be a mapping (key: value)`]);
  });

  it('duplicate keys', async () => {
    expect(await lines(bad('duplicate.yaml'))).toEqual([`${bad('duplicate.yaml')}:4:1: name: duplicate key \`name\`; each key may appear once in a mapping`]);
  });

  it('misspelt keys at every level, at the key, with a suggestion', async () => {
    expect(await lines(bad('misspelt.yaml'))).toEqual([
      `${bad('misspelt.yaml')}:3:1: titel: unknown key \`titel\`; did you mean \`title\`?`,
      `${bad('misspelt.yaml')}:4:22: auth.refresh_befor: unknown option \`refresh_befor\` for auth scheme \`none\`; did you mean \`refresh_before\`?`,
      `${bad('misspelt.yaml')}:5:9: check.pathh: unknown key \`pathh\`; did you mean \`path\`?`,
      `${bad('misspelt.yaml')}:9:5: streams[0].recods: unknown key \`recods\`; did you mean \`records\`?`,
      `${bad('misspelt.yaml')}:10:32: streams[0].pagination.page_sise: unknown key \`page_sise\`; did you mean \`page_size\`?`,
      `${bad('misspelt.yaml')}:11:19: streams[0].incremental.params: unknown key \`params\`; did you mean \`param\`?`,
    ]);
  });

  it('wrong enum values, from one branch only', async () => {
    expect(await lines(bad('enum.yaml'))).toEqual([
      `${bad('enum.yaml')}:7:13: streams[0].method: "PUT" is not allowed; expected one of GET, POST`,
      `${bad('enum.yaml')}:8:24: streams[0].pagination.type: "offst" is not allowed; expected one of offset, page, cursor, link, next_url, auto; did you mean \`offset\`?`,
    ]);
  });

  it('wrong types', async () => {
    expect(await lines(bad('type.yaml'))).toEqual([
      `${bad('type.yaml')}:3:38: auth.refresh_before: must be a number, got "soon"`,
      `${bad('type.yaml')}:7:41: streams[0].pagination.page_size: must be an integer, got "ten"`,
    ]);
  });

  it('an unknown scheme', async () => {
    expect(await lines(bad('unknown-scheme.yaml'))).toEqual([
      `${bad('unknown-scheme.yaml')}:3:16: auth.scheme: unknown auth scheme \`oauth\`; available: ${builtInSchemes.map((s) => s.name).join(', ')}; did you mean \`oauth2\`?`,
    ]);
  });

  it("a scheme's missing required option", async () => {
    expect(await lines(bad('missing-option.yaml'))).toEqual([
      `${bad('missing-option.yaml')}:4:3: auth: auth scheme \`oauth2\` requires the option \`token_url\``,
    ]);
  });

  it('an unknown template namespace, at the reference', async () => {
    expect(await lines(bad('namespace.yaml'))).toEqual([
      `${bad('namespace.yaml')}:4:25: base_url: unknown template namespace \`conifg\` in \`conifg.base_url\`; known: config, secrets, auth, state, page; did you mean \`config\`?`,
    ]);
  });

  it('an undeclared secret reference', async () => {
    expect(await lines(bad('secret.yaml'))).toEqual([
      `${bad('secret.yaml')}:7:28: streams[0].headers["X-Token"]: undeclared secret \`api_token\` in \`secrets.api_token\`; known: username, password; declare others under \`secrets\``,
    ]);
  });

  it('an unclosed {{', async () => {
    expect(await lines(bad('unclosed.yaml'))).toEqual([
      `${bad('unclosed.yaml')}:6:15: streams[0].path: template error: unclosed \`{{\` (no matching \`}}\`)`,
    ]);
  });

  describe('files from a temp folder', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'connectors-validate-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('a 5 MB file, refused before parsing', async () => {
      const file = join(dir, 'big.yaml');
      // not YAML at all (an unclosed quote): had it been parsed, the syntax error would be reported too
      await writeFile(file, `apiVersion: connectors/v1\ndescription: "${'x'.repeat(5 * 1024 * 1024)}\n`);
      expect(await lines(file)).toEqual([`${file}: the file is 5.0 MiB; a manifest may be at most 1 MiB`]);
    });

    it('missing keys, bad names, duplicate streams and undeclared config', async () => {
      const file = join(dir, 'semantic.yaml');
      await writeFile(
        file,
        [
          'apiVersion: connectors/v2',
          'name: Bad Name',
          'config: {properties: {base_url: {type: string}}}',
          'auth: {scheme: api_key, in: body, token_url: "{{ secrets.api_key }}"}',
          'base_url: "{{ config.baseurl }}"',
          'streams:',
          '  - {name: a, path: "/a?o={{ page.ofset }}&s={{ state.since }}"}',
          '  - {name: a, pagination: {type: cursor}}',
          '',
        ].join('\n'),
      );
      expect(await lines(file)).toEqual([
        `${file}:1:13: apiVersion: must be "connectors/v1", got "connectors/v2"`,
        `${file}:2:7: name: "Bad Name" does not match the pattern ^[a-z][a-z0-9_-]*$`,
        `${file}:4:29: auth.in: "body" is not allowed; expected one of header, query, cookie`,
        `${file}:4:35: auth.token_url: unknown option \`token_url\` for auth scheme \`api_key\`; allowed: in, name, prefix, scheme, refresh_before, apply`,
        `${file}:4:50: auth.token_url: \`secrets.api_key\`: only \`config\` may be used here`,
        `${file}:5:15: base_url: undeclared config property \`baseurl\` in \`config.baseurl\`; did you mean \`base_url\`?`,
        `${file}:7:30: streams[0].path: unknown page value \`ofset\` in \`page.ofset\`; did you mean \`offset\`?`,
        `${file}:7:49: streams[0].path: unknown state value \`since\` in \`state.since\`; known: cursor`,
        `${file}:8:12: streams[1].name: stream name \`a\` is already used by streams[0]`,
        `${file}:8:27: streams[1].pagination: missing required key \`cursor_path\``,
      ]);
    });

    it("the schema's editor branches do not double an auth problem (issue 9)", async () => {
      const file = join(dir, 'branches.yaml');
      await writeFile(file, ['apiVersion: connectors/v1', 'name: x', 'auth: {scheme: oauth2, token_ulr: "https://x/t"}', 'streams: [{name: a, path: /a}]', ''].join('\n'));
      expect(await lines(file)).toEqual([
        `${file}:3:24: auth.token_ulr: unknown option \`token_ulr\` for auth scheme \`oauth2\`; did you mean \`token_url\`?`,
      ]);
    });

    it('returns the manifest with schema defaults applied when valid', async () => {
      const { manifest, problems } = await validateManifestFile(`${fixtures}/catalog/tripletex/connector.yaml`, { registry, catalogName: 'tripletex' });
      expect(problems).toEqual([]);
      expect(manifest?.auth).toMatchObject({ scheme: 'tripletex', refresh_before: 60, apply: true, company_id: 0 });
      expect(manifest?.auth).not.toHaveProperty('session_days');
      expect(manifest?.streams[0]?.pagination).toEqual({ type: 'offset', offset_param: 'from', limit_param: 'count', page_size: 1000 });
      expect(manifest?.streams[1]?.method).toBe('GET');
    });

    it('checks name against the catalog folder', async () => {
      const { problems } = await validateManifestFile(`${fixtures}/catalog/tripletex/connector.yaml`, { registry, catalogName: 'tx' });
      expect(problems.map(formatProblem)).toEqual([`${fixtures}/catalog/tripletex/connector.yaml:3:7: name: \`tripletex\` must equal its folder name \`tx\` in a catalog`]);
    });
  });
});

describe('loadManifest', () => {
  it('throws a ManifestError with the first problem and its location', async () => {
    const error = await loadManifest(bad('unknown-scheme.yaml'), { registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toMatch(/unknown-scheme\.yaml:3:16: auth\.scheme: unknown auth scheme `oauth`/);
    expect((error as ManifestError).location).toEqual({ file: bad('unknown-scheme.yaml'), line: 3, col: 16, path: 'auth.scheme' });
    expect((error as ManifestError).exitCode).toBe(1);
  });

  it('returns a valid manifest', async () => {
    const manifest = await loadManifest(`${fixtures}/catalog/petstore/connector.yaml`, { registry });
    expect(manifest.name).toBe('petstore');
  });
});

describe('validatePaths', () => {
  it('validates a catalog, a file, a missing path and a folder with no manifests', async () => {
    const result = await validatePaths([`${fixtures}/catalog`, bad('unknown-scheme.yaml'), `${fixtures}/nope`, `${fixtures}/empty-folder`], { registry });
    expect(result.valid).toBe(false);
    expect(result.manifests).toBe(3);
    expect(result.problems.map(formatProblem)).toEqual([
      `${fixtures}/nope: does not exist`,
      `${fixtures}/empty-folder: holds no connector manifests (looked for ${fixtures}/empty-folder/connector.yaml and ${fixtures}/empty-folder/<name>/connector.yaml)`,
      expect.stringMatching(/unknown-scheme\.yaml:3:16: auth\.scheme: unknown auth scheme/),
    ]);
  });

  it('is valid for a good catalog and for a connector folder', async () => {
    expect(await validatePaths([`${fixtures}/catalog`], { registry })).toEqual({ valid: true, manifests: 2, problems: [] });
    expect(await validatePaths([`${fixtures}/catalog/petstore`], { registry })).toEqual({ valid: true, manifests: 1, problems: [] });
  });
});
