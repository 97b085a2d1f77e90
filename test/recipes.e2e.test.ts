/**
 * Issue 12, the recipes page: every ```yaml block of docs/recipes.md is a complete manifest that
 * the built CLI validates with no problem when it is saved as `connectors/<name>/connector.yaml`
 * of a fresh project, and the commands its section tells the reader to run fit that manifest:
 * every `connectors config set` succeeds as written, and every secret it says to set (with
 * `secrets set` or a `CONNECTORS_SECRET_*` variable) is one `secrets list` knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { makeTree } from './helpers/validate.js';

const PAGE = join(repoRoot, 'docs', 'recipes.md');

/** The recipes the page must hold, in its order, with the scheme each one uses. */
const EXPECTED: Array<[name: string, scheme: string]> = [
  ['google', 'oauth2'],
  ['google-workspace', 'oauth2'],
  ['salesforce', 'oauth2'],
  ['slack', 'oauth2'],
  ['hubspot', 'oauth2'],
  ['zoom', 'oauth2'],
  ['msgraph', 'oauth2'],
  ['github-app', 'github_app'],
  ['netsuite', 'oauth1'],
  ['aws-lambda', 'aws_sigv4'],
  ['mcp', 'oauth2'],
];

/** Example values for the shell variables the page's commands read. */
const SHELL_VARIABLES: Record<string, string> = {
  AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
  AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
  AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
};

interface Recipe {
  /** The `## ` heading the block stands under. */
  section: string;
  /** The 1-based line of the block's first manifest line in the page. */
  line: number;
  manifest: string;
  /** The `connectors ...` commands of the section's ```sh blocks, split into words. */
  commands: string[][];
  /** The `CONNECTORS_SECRET_*` variables the section's ```sh blocks export. */
  exported: string[];
}

/** Splits a shell line into words: whitespace separates, double quotes group, `$NAME` expands. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) {
    const word = (match[1] ?? match[2])!;
    words.push(
      word.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, variable: string) => {
        const value = SHELL_VARIABLES[variable];
        if (value === undefined) throw new Error(`${PAGE}: the command \`${line}\` reads $${variable}, which this test has no example value for`);
        return value;
      }),
    );
  }
  return words;
}

/** The recipes of the page: each ```yaml block with the ```sh commands of its section. */
function readRecipes(): Recipe[] {
  const lines = readFileSync(PAGE, 'utf8').split('\n');
  const recipes: Recipe[] = [];
  const sections = new Map<string, { commands: string[][]; exported: string[] }>();
  let section = '';
  for (let i = 0; i < lines.length; i += 1) {
    const heading = /^## (.+)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const fence = /^```(\w+)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end += 1;
    const body = lines.slice(start, end);
    if (!sections.has(section)) sections.set(section, { commands: [], exported: [] });
    const commands = sections.get(section)!;
    if (fence[1] === 'yaml') recipes.push({ section, line: start + 1, manifest: `${body.join('\n')}\n`, ...commands });
    if (fence[1] === 'sh') {
      for (const raw of body) {
        const command = raw.replace(/\s+#.*$/, '').replace(/\s*<\s*\S+$/, '').trim();
        const exported = /^export (CONNECTORS_SECRET_[A-Z0-9_]+)=/.exec(command);
        if (exported) commands.exported.push(exported[1]!);
        else if (command.startsWith('connectors ')) commands.commands.push(shellWords(command).slice(1));
      }
    }
    i = end;
  }
  return recipes;
}

const recipes = readRecipes();

/** The manifest's `name`, `auth.scheme` and config property names. */
function describeManifest(recipe: Recipe): { name: string; scheme: string; apiVersion: unknown; config: string[] } {
  const document = yaml.load(recipe.manifest) as {
    apiVersion?: unknown;
    name?: string;
    auth?: { scheme?: string };
    config?: { properties?: Record<string, unknown> };
  };
  return {
    name: String(document.name),
    scheme: String(document.auth?.scheme),
    apiVersion: document.apiVersion,
    config: Object.keys(document.config?.properties ?? {}),
  };
}

/** The commands that take the connector as their first argument. */
const NAMED_COMMANDS = new Set(['secrets set', 'config set', 'auth login', 'run', 'check']);

describe('docs/recipes.md', () => {
  it('holds the ten providers (Google twice) in order, each a connectors/v1 manifest of its scheme', () => {
    const found = recipes.map((recipe) => describeManifest(recipe));
    expect(found.map(({ name, scheme }) => [name, scheme])).toEqual(EXPECTED);
    for (const manifest of found) expect(manifest.apiVersion).toBe('connectors/v1');
  });

  it('names each recipe\'s own connector in every command of its section', () => {
    for (const recipe of recipes) {
      const { name } = describeManifest(recipe);
      expect(recipe.commands.length, `${recipe.section}: no commands`).toBeGreaterThan(0);
      for (const words of recipe.commands) {
        const verb = NAMED_COMMANDS.has(words.slice(0, 2).join(' ')) ? 2 : NAMED_COMMANDS.has(words[0]!) ? 1 : undefined;
        expect(verb, `${recipe.section}: unexpected command \`connectors ${words.join(' ')}\``).toBeDefined();
        expect(words[verb!], `${recipe.section}: \`connectors ${words.join(' ')}\``).toBe(name);
      }
      for (const variable of recipe.exported) expect(variable.startsWith(`CONNECTORS_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`)).toBe(true);
    }
  });
});

describe.concurrent('docs/recipes.md: each manifest validates, and its commands fit it', () => {
  for (const recipe of recipes) {
    const { name, config } = describeManifest(recipe);
    it(`${name} (${recipe.section}, docs/recipes.md:${recipe.line})`, async () => {
      const project = makeTree({ [`connectors/${name}/connector.yaml`]: recipe.manifest });
      const { home, cleanup } = makeHome();
      const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: project.dir, env: { CONNECTORS_HOME: home } });
      try {
        const validated = await cli(['validate', `connectors/${name}`]);
        expect({ code: validated.code, stdout: validated.stdout, stderr: validated.stderr }).toEqual({
          code: 0,
          stdout: '',
          stderr: '1 manifest valid.\n',
        });

        for (const words of recipe.commands.filter((command) => command[0] === 'config' && command[1] === 'set')) {
          expect(config, `config set of an undeclared key: ${words.join(' ')}`).toContain(words[3]);
          const set = await cli(words);
          expect({ command: words.join(' '), code: set.code }).toEqual({ command: words.join(' '), code: 0 });
          expect(set.stderr).toMatch(new RegExp(`^Set ${words[3]} = .* for ${name} \\(`));
        }

        const listed = await cli(['secrets', 'list', name, '--json']);
        expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
        const known = JSON.parse(listed.stdout) as Array<{ name: string; env: string }>;
        const toSet = recipe.commands.filter((command) => command[0] === 'secrets' && command[1] === 'set').map((command) => command[3]);
        expect(known.map((secret) => secret.name)).toEqual(expect.arrayContaining(toSet));
        expect(known.map((secret) => secret.env)).toEqual(expect.arrayContaining(recipe.exported));
      } finally {
        cleanup();
        project.cleanup();
      }
      // Up to seven CLI processes one after another (validate, the config sets, secrets list):
      // on a loaded two-core machine each can take seconds.
    }, 180_000);
  }
});
