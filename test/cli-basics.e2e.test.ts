/**
 * Issue 3 end to end: `--help` on every command, `--version`, usage errors (exit 2, one line),
 * and `DEBUG=connectors*` showing more on a failure without any secret.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, repoRoot, runCli, type CliOptions, type CliResult } from './helpers/cli.js';
import { crashSigns, lines, makeTree, stackLines } from './helpers/validate.js';

async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { home, cleanup } = makeHome();
  try {
    return await runCli(args, { ...options, env: { CONNECTORS_HOME: home, ...options.env } });
  } finally {
    cleanup();
  }
}

const commandsDir = join(repoRoot, 'cli', 'dist', 'commands');

/** Every built command: its id (`secrets set`) and module file. */
function listCommands(dir = commandsDir): Array<{ id: string; file: string }> {
  const found: Array<{ id: string; file: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listCommands(path));
    else if (name.endsWith('.js')) found.push({ id: relative(commandsDir, path).slice(0, -3).split('/').join(' '), file: path });
  }
  return found;
}

interface CommandClass {
  flags?: Record<string, { hidden?: boolean }>;
  baseFlags?: Record<string, { hidden?: boolean }>;
}

const commands = listCommands();

describe('--help on every command', () => {
  it('finds the commands of issue 3 and DESIGN.md section 7', () => {
    expect(commands.map((command) => command.id)).toEqual(
      expect.arrayContaining(['validate', 'list', 'schemes', 'run', 'check', 'secrets set', 'secrets list', 'secrets delete', 'auth login', 'auth status', 'auth logout']),
    );
  });

  it('the root help lists every top-level command and topic', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const id of new Set(commands.map((command) => command.id.split(' ')[0]!))) expect(result.stdout).toMatch(new RegExp(`^  ${id}\\b`, 'm'));
  });

  describe.concurrent('each command', () => {
    for (const { id, file } of commands) {
      it(`connectors ${id} --help: exit 0, usage and every flag`, async () => {
        const result = await cli([...id.split(' '), '--help']);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain(`$ connectors ${id}`);
        const command = (await import(pathToFileURL(file).href)).default as CommandClass;
        const flags = Object.entries({ ...command.baseFlags, ...command.flags }).filter(([, flag]) => !flag.hidden);
        for (const [name] of flags) expect(result.stdout).toContain(`--${name}`);
      });
    }
  });
});

describe.concurrent('version and usage errors', () => {
  it('connectors --version prints the CLI package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'cli', 'package.json'), 'utf8')) as { version: string };
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^@connectors/cli/${version.replaceAll('.', '\\.')} \\S+ node-v\\d+\\.\\d+\\.\\d+\\n$`));
    expect(result.stderr).toBe('');
  });

  const usage: Array<[string[], string]> = [
    [['frobnicate'], 'Error: Unknown command `frobnicate`; run `connectors --help` for the commands.'],
    [['secrets', 'frob', 'x'], 'Error: Unknown command `secrets frob x`; run `connectors --help` for the commands.'],
    [['list', '--bogus'], 'Error: Nonexistent flag: --bogus'],
    [['validate', '--nope', 'x.yaml'], 'Error: Nonexistent flag: --nope'],
    [['run'], 'Error: Missing 1 required arg: name (A catalog name, or a path to a manifest.)'],
    [['run', 'pokeapi', '--limit', 'abc'], 'Error: Parsing --limit: Expected an integer but received: abc'],
  ];
  for (const [args, expected] of usage) {
    it(`connectors ${args.join(' ')}: exit 2, one line on stderr, nothing on stdout`, async () => {
      const { dir, cleanup } = makeTree();
      try {
        const result = await cli(args, { cwd: dir });
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(lines(result.stderr)).toEqual([expected]);
      } finally {
        cleanup();
      }
    });
  }
});

describe('DEBUG=connectors* on a failure', () => {
  const apiKey = 'k3y-Sup3r-S3cret-9f8e7d';
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    // An API that refuses the key and echoes it back in the body, as some vendors do.
    server = createServer((request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'forbidden', key: new URL(request.url ?? '/', 'http://x').searchParams.get('key') }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('shows more than the one line, still without the secret; without DEBUG no stack', async () => {
    const manifest = [
      'apiVersion: connectors/v1',
      'name: echo',
      'auth: {scheme: api_key, in: query, name: key}',
      `base_url: ${baseUrl}`,
      'retry: {limit: 0}',
      'check: {path: /me}',
      'streams:',
      '  - {name: items, path: /items}',
      '',
    ].join('\n');
    const { dir, cleanup } = makeTree({ 'echo.yaml': manifest });
    try {
      const env = { CONNECTORS_SECRET_ECHO_API_KEY: apiKey };
      const plain = await cli(['check', './echo.yaml'], { cwd: dir, env });
      expect(plain.code).toBe(1);
      expect(plain.stdout).toBe('');
      expect(lines(plain.stderr)).toHaveLength(1);
      expect(plain.stderr).toMatch(/^Error: .*403/);
      expect(crashSigns(plain)).toEqual([]);
      expect(findLeaks(plain.stdout + plain.stderr, [apiKey])).toEqual([]);

      const debug = await cli(['check', './echo.yaml'], { cwd: dir, env: { ...env, DEBUG: 'connectors*' } });
      expect(debug.code).toBe(1);
      expect(lines(debug.stderr).length).toBeGreaterThan(1);
      expect(debug.stderr).toContain(lines(plain.stderr)[0]!);
      expect(stackLines(debug.stderr).length).toBeGreaterThan(0);
      expect(findLeaks(debug.stdout + debug.stderr, [apiKey])).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('an invalid manifest under DEBUG: the same problem lines, exit 1', async () => {
    const { dir, cleanup } = makeTree({ 'bad.yaml': 'apiVersion: connectors/v1\nname: bad\nauth: {scheme: none}\nstreams: [{name: a, path: /a, recods: x}]\n' });
    try {
      const plain = await cli(['validate', 'bad.yaml'], { cwd: dir });
      const debug = await cli(['validate', 'bad.yaml'], { cwd: dir, env: { DEBUG: 'connectors*' } });
      expect(plain.code).toBe(1);
      expect(debug.code).toBe(1);
      expect(plain.stdout).toBe('bad.yaml:4:31: streams[0].recods: unknown key `recods`; did you mean `records`?\n');
      expect(debug.stdout).toBe(plain.stdout);
      expect(crashSigns(plain)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
