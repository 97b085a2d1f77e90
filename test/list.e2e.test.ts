/**
 * Issue 3 end to end: `connectors list` and `list --json` (DESIGN.md section 8 "Other --json
 * shapes"), and the catalog precedence of section 8 "Catalog and names", each source tried with a
 * temporary folder as the working directory.
 */
import { join, resolve } from 'node:path';
import { builtInSchemes } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli, type CliOptions, type CliResult } from './helpers/cli.js';
import { crashSigns, lines, makeTree } from './helpers/validate.js';

/** The built-in schemes as an unknown-scheme error lists them. */
const BUILT_IN_SCHEMES = builtInSchemes.map((scheme) => scheme.name).join(', ');

async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { home, cleanup } = makeHome();
  try {
    return await runCli(args, { ...options, env: { CONNECTORS_HOME: home, ...options.env } });
  } finally {
    cleanup();
  }
}

/** A small valid manifest. */
function manifest(name: string, options: { title?: string; scheme?: string; streams?: string[] } = {}): string {
  const streams = options.streams ?? ['items'];
  return [
    'apiVersion: connectors/v1',
    `name: ${name}`,
    ...(options.title ? [`title: ${options.title}`] : []),
    `auth: {scheme: ${options.scheme ?? 'none'}}`,
    'base_url: https://api.example.com',
    'streams:',
    ...streams.map((stream) => `  - {name: ${stream}, path: /${stream}}`),
    '',
  ].join('\n');
}

interface Entry {
  name: string;
  title?: string;
  scheme: string;
  streams: string[];
  path: string;
}

function parseList(result: CliResult): Entry[] {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Entry[];
}

/** One catalog per precedence level, each with a connector named after it. */
const precedenceTree = {
  'flag-cat/from-flag/connector.yaml': manifest('from-flag'),
  'env-cat/from-env/connector.yaml': manifest('from-env'),
  'cfg-cat/from-config/connector.yaml': manifest('from-config'),
  'connectors/from-cwd/connector.yaml': manifest('from-cwd'),
  'connectors.config.yaml': 'catalog: ./cfg-cat\n',
};

describe.concurrent('list --json', () => {
  it('prints [{name, title, scheme, streams, path}] sorted by name, title omitted when missing, path relative to cwd', async () => {
    const { dir, cleanup } = makeTree({
      'cat/zeta/connector.yaml': manifest('zeta', { title: 'Zeta API', scheme: 'basic', streams: ['users', 'teams'] }),
      'cat/alpha/connector.yaml': manifest('alpha'),
      'cat/mid/connector.yaml': manifest('mid', { title: 'Middle', scheme: 'api_key' }),
    });
    try {
      const entries = parseList(await cli(['list', '--json', '--catalog', 'cat'], { cwd: dir }));
      expect(entries).toEqual([
        { name: 'alpha', scheme: 'none', streams: ['items'], path: 'cat/alpha/connector.yaml' },
        { name: 'mid', title: 'Middle', scheme: 'api_key', streams: ['items'], path: 'cat/mid/connector.yaml' },
        { name: 'zeta', title: 'Zeta API', scheme: 'basic', streams: ['users', 'teams'], path: 'cat/zeta/connector.yaml' },
      ]);
      expect(Object.keys(entries[0]!)).not.toContain('title');
      // An absolute --catalog still gives paths relative to the working directory.
      const absolute = parseList(await cli(['list', '--json', '--catalog', join(dir, 'cat')], { cwd: join(dir, 'cat', 'zeta') }));
      expect(absolute.map((entry) => entry.path)).toEqual(['../alpha/connector.yaml', '../mid/connector.yaml', 'connector.yaml']);
    } finally {
      cleanup();
    }
  });

  it('the table: a header and one row per connector with scheme, streams and title', async () => {
    const { dir, cleanup } = makeTree({
      'cat/zeta/connector.yaml': manifest('zeta', { title: 'Zeta API', scheme: 'basic', streams: ['users', 'teams'] }),
      'cat/alpha/connector.yaml': manifest('alpha'),
    });
    try {
      const result = await cli(['list', '--catalog', 'cat'], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(lines(result.stdout).map((line) => line.trim().split(/\s{2,}/))).toEqual([
        ['NAME', 'SCHEME', 'STREAMS', 'TITLE'],
        ['alpha', 'none', 'items'],
        ['zeta', 'basic', 'users, teams', 'Zeta API'],
      ]);
    } finally {
      cleanup();
    }
  });

  it('the shipped catalog lists every connector of connectors/, with paths that resolve from cwd', async () => {
    const { dir, cleanup } = makeTree();
    try {
      const entries = parseList(await cli(['list', '--json'], { cwd: dir }));
      const fromRepo = parseList(await cli(['list', '--json', '--catalog', 'connectors'], { cwd: repoRoot }));
      expect(entries.map((entry) => entry.name)).toEqual(fromRepo.map((entry) => entry.name));
      expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['demo', 'pokeapi', 'tripletex', 'superoffice', 'webcrm']));
      for (const entry of entries) {
        expect(resolve(dir, entry.path)).toBe(join(repoRoot, 'cli', 'catalog', entry.name, 'connector.yaml'));
      }
      for (const entry of fromRepo) expect(entry.path).toBe(`connectors/${entry.name}/connector.yaml`);
      expect(entries.find((entry) => entry.name === 'pokeapi')).toMatchObject({ title: 'PokeAPI', scheme: 'none' });
    } finally {
      cleanup();
    }
  });
});

describe.concurrent('catalog precedence: --catalog, CONNECTORS_CATALOG, connectors.config.yaml, ./connectors, shipped', () => {
  const cases: Array<{ what: string; drop: string[]; args: string[]; env: Record<string, string>; expected: string }> = [
    { what: '--catalog beats everything', drop: [], args: ['--catalog', 'flag-cat'], env: { CONNECTORS_CATALOG: 'env-cat' }, expected: 'from-flag' },
    { what: 'CONNECTORS_CATALOG beats the config file and ./connectors', drop: [], args: [], env: { CONNECTORS_CATALOG: 'env-cat' }, expected: 'from-env' },
    { what: 'catalog: in connectors.config.yaml beats ./connectors', drop: [], args: [], env: {}, expected: 'from-config' },
    { what: './connectors beats the shipped catalog', drop: ['connectors.config.yaml'], args: [], env: {}, expected: 'from-cwd' },
  ];
  for (const { what, drop, args, env, expected } of cases) {
    it(what, async () => {
      const files = Object.fromEntries(Object.entries(precedenceTree).filter(([path]) => !drop.includes(path)));
      const { dir, cleanup } = makeTree(files);
      try {
        const entries = parseList(await cli(['list', '--json', ...args], { cwd: dir, env }));
        // The first source that applies is the whole catalog: no merging.
        expect(entries.map((entry) => entry.name)).toEqual([expected]);
        expect(entries[0]!.path).toMatch(/^[a-z-]+\/[a-z-]+\/connector\.yaml$/);
      } finally {
        cleanup();
      }
    });
  }

  it('the shipped catalog when nothing else applies (a config file without catalog: does not count)', async () => {
    const { dir, cleanup } = makeTree({ 'connectors.config.yaml': 'config: {}\n', 'other/x/connector.yaml': manifest('x') });
    try {
      const entries = parseList(await cli(['list', '--json'], { cwd: dir }));
      expect(entries.map((entry) => entry.name)).toContain('pokeapi');
      expect(entries.map((entry) => entry.name)).not.toContain('x');
    } finally {
      cleanup();
    }
  });

  it('catalog: in the config file is relative to that file; validate without PATH uses the same catalog', async () => {
    const { dir, cleanup } = makeTree({
      'connectors.config.yaml': 'catalog: cfg-cat\n',
      'cfg-cat/from-config/connector.yaml': manifest('from-config'),
      'cfg-cat/broken/connector.yaml': manifest('not-broken'),
    });
    try {
      const validated = await cli(['validate'], { cwd: dir });
      expect(validated.code).toBe(1);
      expect(lines(validated.stdout)).toEqual(['cfg-cat/broken/connector.yaml:2:7: name: `not-broken` must equal its folder name `broken` in a catalog']);
      const flagged = await cli(['validate', '--catalog', 'cfg-cat/from-config'], { cwd: dir });
      expect(flagged).toMatchObject({ code: 0, stdout: '', stderr: '1 manifest valid.\n' });
    } finally {
      cleanup();
    }
  });
});

describe.concurrent('list: empty, missing and invalid catalogs', () => {
  it('an empty catalog lists nothing: [] with --json, a note on stderr without, exit 0', async () => {
    const { dir, cleanup } = makeTree({ 'empty/README.md': 'nothing here\n' });
    try {
      const json = await cli(['list', '--json', '--catalog', 'empty'], { cwd: dir });
      expect(json).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(json.stdout)).toEqual([]);
      const text = await cli(['list', '--catalog', 'empty'], { cwd: dir });
      expect(text).toMatchObject({ code: 0, stdout: '', stderr: 'No connectors in empty.\n' });
    } finally {
      cleanup();
    }
  });

  it('a catalog folder that does not exist: one line, exit 1', async () => {
    const { dir, cleanup } = makeTree();
    try {
      const result = await cli(['list', '--json'], { cwd: dir, env: { CONNECTORS_CATALOG: 'missing' } });
      expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'Error: The catalog folder missing does not exist.\n' });
    } finally {
      cleanup();
    }
  });

  it('an invalid manifest in the catalog: its first problem on one line, exit 1, nothing on stdout', async () => {
    const { dir, cleanup } = makeTree({
      'cat/good/connector.yaml': manifest('good'),
      'cat/bad/connector.yaml': manifest('bad').replace('streams:', 'stream:'),
    });
    try {
      for (const args of [['list'], ['list', '--json']]) {
        const result = await cli([...args, '--catalog', 'cat'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        // The first invalid manifest by name; a misspelt `stream:` is one problem, not two.
        expect(lines(result.stderr)).toEqual(['Error: cat/bad/connector.yaml:5:1: stream: unknown key `stream`; did you mean `streams`?']);
        expect(crashSigns(result)).toEqual([]);
      }
      const only = makeTree({ 'cat/worse/connector.yaml': manifest('worse').replace('streams:', 'stream:').replace('scheme: none', 'scheme: nonee') });
      try {
        const result = await cli(['list', '--catalog', 'cat'], { cwd: only.dir });
        expect(result).toMatchObject({ code: 1, stdout: '' });
        expect(lines(result.stderr)).toEqual([
          `Error: cat/worse/connector.yaml:3:16: auth.scheme: unknown auth scheme \`nonee\`; available: ${BUILT_IN_SCHEMES}; did you mean \`none\`? (1 more problem; run \`connectors validate cat\` for all.)`,
        ]);
      } finally {
        only.cleanup();
      }
    } finally {
      cleanup();
    }
  });
});
