/**
 * Issue 3 end to end: `connectors validate` on every bad input the issue lists, several paths at
 * once, folders, `--json` (DESIGN.md section 8 "validate PATH") and the shipped catalog.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInSchemes } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { catalogDir, makeHome, repoRoot, runCli, type CliOptions, type CliResult } from './helpers/cli.js';
import { crashSigns, lines, makeTree, validateFixtures } from './helpers/validate.js';

/** The built-in schemes as an unknown-scheme error lists them. */
const BUILT_IN_SCHEMES = builtInSchemes.map((scheme) => scheme.name).join(', ');

/** Runs `connectors <args>` in the fixtures folder with its own CONNECTORS_HOME. */
async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { home, cleanup } = makeHome();
  try {
    return await runCli(args, { cwd: validateFixtures, ...options, env: { CONNECTORS_HOME: home, ...options.env } });
  } finally {
    cleanup();
  }
}

/** The one problem line each bad fixture must give (issue 3, "Bad input to try"). */
const badInputs: Array<[string, string]> = [
  ['syntax-error.yaml', 'syntax-error.yaml:5:1: YAML syntax error: flow map in block collection must be sufficiently indented and end with a }'],
  ['tab-indented.yaml', 'tab-indented.yaml:4:1: a tab is used for indentation; indent with spaces'],
  ['empty.yaml', 'empty.yaml:1:1: the file is empty; a manifest is a YAML mapping'],
  ['list.yaml', 'list.yaml:1:1: the document is a list; a manifest must be a mapping (key: value)'],
  ['duplicate-key.yaml', 'duplicate-key.yaml:4:1: title: duplicate key `title`; each key may appear once in a mapping'],
  ['duplicate-nested-key.yaml', 'duplicate-nested-key.yaml:11:3: auth.in: duplicate key `in`; each key may appear once in a mapping'],
  ['wrong-enum.yaml', 'wrong-enum.yaml:18:13: streams[0].pagination.type: "ofset" is not allowed; expected one of offset, page, cursor, link, next_url, auto; did you mean `offset`?'],
  ['wrong-type.yaml', 'wrong-type.yaml:19:18: streams[0].pagination.page_size: must be an integer, got "fifty"'],
  ['unknown-scheme.yaml', `unknown-scheme.yaml:9:11: auth.scheme: unknown auth scheme \`apikey\`; available: ${BUILT_IN_SCHEMES}; did you mean \`api_key\`?`],
  ['missing-option.yaml', 'missing-option.yaml:9:3: auth: auth scheme `oauth2` requires the option `token_url`'],
  ['unknown-namespace.yaml', 'unknown-namespace.yaml:15:16: streams[0].path: unknown template namespace `env` in `env.HOME`; known: config, secrets, auth, state, page'],
  ['undeclared-secret.yaml', 'undeclared-secret.yaml:15:25: streams[0].path: undeclared secret `password` in `secrets.password`; known: api_key; declare others under `secrets`'],
  ['unclosed-template.yaml', 'unclosed-template.yaml:15:22: streams[0].path: template error: unclosed `{{` (no matching `}}`)'],
  ['nope.yaml', 'nope.yaml: does not exist'],
  ['no-manifests', 'no-manifests: holds no connector manifests (looked for no-manifests/connector.yaml and no-manifests/<name>/connector.yaml)'],
];

describe.concurrent('validate: each bad input is one line, exit 1', () => {
  it('every bad input at once: exactly one line each, path problems first, then files in the order given', async () => {
    const result = await cli(['validate', ...badInputs.map(([path]) => path)]);
    expect(result.code).toBe(1);
    const pathProblems = badInputs.filter(([path]) => !/\.yaml$/.test(path) || path === 'nope.yaml');
    const fileProblems = badInputs.filter((entry) => !pathProblems.includes(entry));
    expect(lines(result.stdout)).toEqual([...pathProblems, ...fileProblems].map(([, line]) => line));
    expect(result.stderr).toBe(`${badInputs.length} problems in ${fileProblems.length} manifests.\n`);
    expect(crashSigns(result)).toEqual([]);
  });

  for (const [path, expected] of badInputs.filter(([path]) => ['syntax-error.yaml', 'tab-indented.yaml', 'empty.yaml', 'nope.yaml', 'no-manifests'].includes(path))) {
    it(`alone: ${path}`, async () => {
      const result = await cli(['validate', path]);
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual([expected]);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^1 problem in [01] manifests?\.\n$/);
      expect(crashSigns(result)).toEqual([]);
    });
  }

  it('misspelt keys at every level, each with "did you mean"', async () => {
    const result = await cli(['validate', 'misspelt-keys.yaml']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'misspelt-keys.yaml:3:1: titel: unknown key `titel`; did you mean `title`?',
      'misspelt-keys.yaml:10:3: auth.inn: unknown option `inn` for auth scheme `api_key`; did you mean `in`?',
      'misspelt-keys.yaml:16:5: streams[0].recods: unknown key `recods`; did you mean `records`?',
      'misspelt-keys.yaml:19:7: streams[0].pagination.page_sise: unknown key `page_sise`; did you mean `page_size`?',
    ]);
    expect(result.stderr).toBe('4 problems in 1 manifest.\n');
  });

  it('a 5 MB file is refused without parsing it', async () => {
    const { dir, cleanup } = makeTree();
    try {
      const big = join(dir, 'big.yaml');
      // 5 MB of nested flow sequences: the YAML parser does not come back from them (it still ran
      // after a minute here), so an answer at all shows the file was refused before parsing.
      writeFileSync(big, `apiVersion: connectors/v1\nname: big\ndescription: ${'['.repeat(5 * 1024 * 1024)}\n`);
      const result = await cli(['validate', 'big.yaml'], { cwd: dir });
      expect(result.signal).toBeNull(); // not killed by runCli's 30 s guard
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual(['big.yaml: the file is 5.0 MiB; a manifest may be at most 1 MiB']);
      expect(crashSigns(result)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('a problem line always reads file:line:col: path: message when the node has a path', async () => {
    const all = badInputs.map(([path]) => path).filter((path) => path.endsWith('.yaml') && path !== 'nope.yaml');
    const result = await cli(['validate', ...all, 'misspelt-keys.yaml']);
    expect(result.code).toBe(1);
    for (const line of lines(result.stdout)) expect(line).toMatch(/^[\w-]+\.yaml:\d+:\d+: (\S+: )?\S/);
  });
});

describe.concurrent('validate: good input, several paths, folders', () => {
  it('a valid manifest: exit 0, nothing on stdout, a summary on stderr', async () => {
    const result = await cli(['validate', 'valid.yaml']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '1 manifest valid.\n' });
  });

  it('several files at once: the problems of each, in the order given, exit 1 if any is bad', async () => {
    const result = await cli(['validate', 'valid.yaml', 'wrong-type.yaml', 'connector/acme', 'wrong-enum.yaml']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'wrong-type.yaml:19:18: streams[0].pagination.page_size: must be an integer, got "fifty"',
      'wrong-enum.yaml:18:13: streams[0].pagination.type: "ofset" is not allowed; expected one of offset, page, cursor, link, next_url, auto; did you mean `offset`?',
    ]);
    expect(result.stderr).toBe('2 problems in 4 manifests.\n');
  });

  it('several valid files: exit 0', async () => {
    const result = await cli(['validate', 'valid.yaml', 'connector/acme/connector.yaml', 'connector/acme']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '3 manifests valid.\n' });
  });

  it('a missing path among good ones still fails, naming the path', async () => {
    const result = await cli(['validate', 'valid.yaml', 'nope.yaml']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual(['nope.yaml: does not exist']);
    expect(result.stderr).toBe('1 problem in 1 manifest.\n');
  });

  it('a connector folder (holding connector.yaml) is one connector; its name is not checked against the folder', async () => {
    const { dir, cleanup } = makeTree({ 'elsewhere/connector.yaml': { copy: join(validateFixtures, 'valid.yaml') } });
    try {
      const result = await cli(['validate', 'elsewhere'], { cwd: dir });
      expect(result).toMatchObject({ code: 0, stdout: '', stderr: '1 manifest valid.\n' });
    } finally {
      cleanup();
    }
  });

  it('a catalog folder checks each name against its folder', async () => {
    const result = await cli(['validate', 'catalog-mismatch']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'catalog-mismatch/other/connector.yaml:3:7: name: `acme-two` must equal its folder name `other` in a catalog',
    ]);
    expect(result.stderr).toBe('1 problem in 2 manifests.\n');
  });

  it('an absolute path is reported as given', async () => {
    const file = join(validateFixtures, 'wrong-type.yaml');
    const result = await cli(['validate', file], { cwd: repoRoot });
    expect(lines(result.stdout)).toEqual([`${file}:19:18: streams[0].pagination.page_size: must be an integer, got "fifty"`]);
  });

  it('the whole shipped catalog validates (and without PATH, the catalog is what is validated)', async () => {
    const explicit = await cli(['validate', catalogDir]);
    expect(explicit.stdout).toBe('');
    expect(explicit.code).toBe(0);
    const count = Number(/^(\d+) manifests valid\.\n$/.exec(explicit.stderr)?.[1]);
    expect(count).toBeGreaterThanOrEqual(7);
    const { dir, cleanup } = makeTree();
    try {
      // No ./connectors, no config: the catalog shipped with the CLI (a copy of connectors/).
      const byDefault = await cli(['validate'], { cwd: dir });
      expect(byDefault).toMatchObject({ code: 0, stdout: '', stderr: `${count} manifests valid.\n` });
    } finally {
      cleanup();
    }
  });
});

describe.concurrent('validate --json', () => {
  it('prints exactly {valid, manifests, problems} on stdout and nothing else there', async () => {
    const result = await cli(['validate', '--json', 'valid.yaml', 'misspelt-keys.yaml', 'nope.yaml']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['manifests', 'problems', 'valid']);
    expect(parsed.valid).toBe(false);
    expect(parsed.manifests).toBe(2);
    const problems = parsed.problems as Array<Record<string, unknown>>;
    for (const problem of problems) expect(Object.keys(problem).sort()).toEqual(['col', 'file', 'line', 'message', 'path']);
    expect(problems).toContainEqual({ file: 'nope.yaml', line: 0, col: 0, path: '', message: 'does not exist' });
    expect(problems.filter((p) => p.file === 'misspelt-keys.yaml')).toEqual([
      { file: 'misspelt-keys.yaml', line: 3, col: 1, path: 'titel', message: 'unknown key `titel`; did you mean `title`?' },
      { file: 'misspelt-keys.yaml', line: 10, col: 3, path: 'auth.inn', message: 'unknown option `inn` for auth scheme `api_key`; did you mean `in`?' },
      { file: 'misspelt-keys.yaml', line: 16, col: 5, path: 'streams[0].recods', message: 'unknown key `recods`; did you mean `records`?' },
      { file: 'misspelt-keys.yaml', line: 19, col: 7, path: 'streams[0].pagination.page_sise', message: 'unknown key `page_sise`; did you mean `page_size`?' },
    ]);
    expect(problems).toHaveLength(5);
    expect(result.stderr).toBe('');
  });

  it('a valid manifest: {"valid": true, "manifests": 1, "problems": []}, exit 0', async () => {
    const result = await cli(['validate', 'valid.yaml', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ valid: true, manifests: 1, problems: [] });
    expect(result.stderr).toBe('');
  });

  it('a YAML syntax error and an empty folder are problems in the JSON too', async () => {
    const result = await cli(['validate', '--json', 'syntax-error.yaml', 'no-manifests']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      manifests: 1,
      problems: [
        {
          file: 'no-manifests', line: 0, col: 0, path: '',
          message: 'holds no connector manifests (looked for no-manifests/connector.yaml and no-manifests/<name>/connector.yaml)',
        },
        {
          file: 'syntax-error.yaml', line: 5, col: 1, path: '',
          message: 'YAML syntax error: flow map in block collection must be sufficiently indented and end with a }',
        },
      ],
    });
  });
});
