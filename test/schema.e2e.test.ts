/**
 * Issue 9, editor: `connectors schema [--out FILE]` writes a project-local connector schema with
 * a branch per plugin scheme (installed with `plugins install`, or listed in
 * connectors.config.yaml) beside the built-in ones. An editor validates manifests against it as
 * Ajv does here: a plugin option typo is rejected, correct options pass, as `validate` decides.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { makeHome, repoRoot, runCli, type CliResult } from './helpers/cli.js';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'plugins', 'acme-scheme');
const PUBLISHED = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'connector.schema.json'), 'utf8')) as Schema;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Schema = Record<string, unknown>;
type Branch = { if: Schema; then: Schema };
const branchesOf = (schema: Schema) => ((schema.$defs as Record<string, { allOf: Branch[] }>).auth).allOf;
const branchOf = (schema: Schema, name: string) =>
  branchesOf(schema).find((branch) => JSON.stringify(branch.if).includes(`"const":"${name}"`));

/** A manifest of the acme plugin's scheme, `auth` lines as given, with the editor's schema line. */
const manifest = (authLines: string) => `# yaml-language-server: $schema=./connector.schema.json
apiVersion: connectors/v1
name: acme
base_url: https://api.acme.example
auth:
  scheme: acme
${authLines}
streams:
  - {name: widgets, path: /widgets, records: widgets}
`;
const GOOD = manifest('  token_url: https://api.acme.example/oauth/token\n  token_ttl: 60');
const TYPO = manifest('  token_ulr: https://api.acme.example/oauth/token');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A project folder with no plugins configured, and a CONNECTORS_HOME removed after the test. */
function setup(context: TestContext) {
  const { home, cleanup } = makeHome();
  context.onTestFinished(cleanup);
  return { cwd: tempDir('connectors-schema-project-'), env: { CONNECTORS_HOME: home } };
}

function compile(schema: Schema): ValidateFunction {
  return addFormats(new Ajv2020({ strict: false, allErrors: true })).compile(schema);
}

/** One line on stderr starting `Error: `, nothing on stdout, the exit code given. */
function expectOneLineFailure(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(pattern);
}

describe.concurrent('connectors schema', () => {
  it('writes ./connector.schema.json with the installed plugin\'s scheme: Ajv rejects an option typo and passes correct options, as validate does', async (context) => {
    const { cwd, env } = setup(context);
    const install = await runCli(['plugins', 'install', FIXTURE], { cwd, env });
    expect(install.code, install.stderr).toBe(0);

    const written = await runCli(['schema'], { cwd, env });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe('Wrote connector.schema.json.\n');
    expect(readdirSync(cwd)).toEqual(['connector.schema.json']);
    const schema = JSON.parse(readFileSync(join(cwd, 'connector.schema.json'), 'utf8')) as Schema;

    expect(schema.$id).toBeUndefined();
    expect(PUBLISHED.$id).toMatch(/^https:/);
    expect(branchesOf(schema).slice(0, branchesOf(PUBLISHED).length)).toEqual(branchesOf(PUBLISHED));
    expect(branchOf(schema, 'acme')?.then).toMatchObject({
      properties: { scheme: true, refresh_before: true, apply: true, token_url: { type: 'string' } },
      required: ['token_url'],
      additionalProperties: false,
    });

    const validate = compile(schema);
    expect(validate(yaml.load(GOOD)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(yaml.load(TYPO))).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({
      instancePath: '/auth', keyword: 'additionalProperties', params: { additionalProperty: 'token_ulr' },
    }));
    // The published schema cannot tell: its auth block is open to plugin schemes.
    expect(compile(PUBLISHED)(yaml.load(TYPO))).toBe(true);

    // `validate` draws the same line.
    writeFileSync(join(cwd, 'good.yaml'), GOOD);
    writeFileSync(join(cwd, 'typo.yaml'), TYPO);
    expect((await runCli(['validate', 'good.yaml'], { cwd, env })).code).toBe(0);
    const typo = await runCli(['validate', 'typo.yaml'], { cwd, env });
    expect(typo.code).toBe(1);
    expect(typo.stdout).toMatch(/typo\.yaml:7:3: auth\.token_ulr: unknown option `token_ulr` for auth scheme `acme`; did you mean `token_url`\?/);
  });

  it('includes a plugin listed in connectors.config.yaml; --out FILE writes there and --out - prints the same schema', async (context) => {
    const { cwd, env } = setup(context);
    writeFileSync(join(cwd, 'connectors.config.yaml'), `plugins:\n  - ${JSON.stringify(relative(cwd, FIXTURE))}\n`);
    mkdirSync(join(cwd, 'connectors'));

    const written = await runCli(['schema', '--out', join('connectors', 'editor.schema.json')], { cwd, env });
    expect(written.code, written.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'connectors', 'editor.schema.json'), 'utf8');
    const schema = JSON.parse(text) as Schema;
    expect(branchOf(schema, 'acme')?.then).toMatchObject({ additionalProperties: false });
    expect(schema.$comment).toMatch(/acme \(connectors-plugin-acme@1\.4\.0\)/);

    const printed = await runCli(['schema', '--out', '-'], { cwd, env });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe(text);
    expect(existsSync(join(cwd, 'connector.schema.json'))).toBe(false);
  });

  it('without plugins knows only the built-in schemes: an unknown scheme is rejected', async (context) => {
    const { cwd, env } = setup(context);
    const printed = await runCli(['schema', '--out', '-'], { cwd, env });
    expect(printed.code, printed.stderr).toBe(0);
    const schema = JSON.parse(printed.stdout) as Schema;
    expect(branchesOf(schema)).toEqual(branchesOf(PUBLISHED));
    expect(compile(schema)(yaml.load(GOOD))).toBe(false);
  });

  it.for([
    ['an empty --out', [''], 2, /^Error: --out must not be empty\.$/],
    ['an --out folder that does not exist', [join('no', 'such', 'dir', 'x.json')], 1, /^Error: Cannot write the schema to \S+x\.json: \S+dir does not exist\.$/],
    ['an --out that is a folder', ['.'], 1, /^Error: Cannot write the schema to \S+: it is a folder; name a file\.$/],
  ] as Array<[string, string[], number, RegExp]>)('refuses %s with one sentence and writes nothing', async ([, out, code, pattern], context) => {
    const { cwd, env } = setup(context);
    expectOneLineFailure(await runCli(['schema', '--out', ...out], { cwd, env }), code, pattern);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
