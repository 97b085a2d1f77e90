/**
 * Issue 9 end to end: bad input the built CLI used to accept, or answered with a system error,
 * each gives one clear line, the right exit code and no stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, makeHome, repoRoot, runCli, type CliOptions, type CliResult } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { crashSigns, lines, makeTree } from './helpers/validate.js';

/** Runs `connectors <args>` with its own CONNECTORS_HOME. */
async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { home, cleanup } = makeHome();
  try {
    return await runCli(args, { ...options, env: { CONNECTORS_HOME: home, ...options.env } });
  } finally {
    cleanup();
  }
}

/** A manifest that `run` would reject in every way issue 9 lists. */
const rejectedByRun = `apiVersion: connectors/v1
name: demo
config:
  type: object
  properties:
    base_url: {type: string, default: "http://127.0.0.1:9"}
    pages: {type: integer, default: "abc"}
auth:
  scheme: oauth2
  grant_type: client_credentials
  token_url: "{{ config.base_url }} x"
  __proto__: {scheme: none}
base_url: "{{ config.base_url }}"
headers:
  "X\\0Y": a
streams:
  - {name: a, path: /a, records: "paging.next."}
  - {name: b, path: /b, records: '["x'}
  - {name: c, path: /c, records: "."}
  - {name: d, path: /d, records: "a..b"}
`;

describe.concurrent('validate refuses what run rejects (issue 9)', () => {
  it('one file:line:col: path: message line per problem, exit 1', async () => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', rejectedByRun);
      const result = await cli(['validate', 'demo/connector.yaml'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual([
        `demo/connector.yaml:7:37: config.properties.pages.default: the default contradicts the property's own schema: must be an integer, got "abc"`,
        'demo/connector.yaml:11:14: auth.token_url: "{{ config.base_url }} x" renders to "http://127.0.0.1:9 x", which is not an absolute http(s) URL',
        'demo/connector.yaml:12:3: auth.__proto__: `__proto__` cannot be used as a key (JavaScript objects reserve it); rename it',
        'demo/connector.yaml:15:3: headers["X\\u0000Y"]: header name "X\\u0000Y" is not valid; use letters, digits and !#$%&\'*+-.^_`|~ only',
        'demo/connector.yaml:17:34: streams[0].records: the dot path "paging.next." does not parse: it ends with a dot',
        'demo/connector.yaml:18:34: streams[1].records: the dot path "["x" does not parse: unclosed bracket at character 1',
        'demo/connector.yaml:19:34: streams[2].records: the dot path "." does not parse: an empty name at character 1',
        'demo/connector.yaml:20:34: streams[3].records: the dot path "a..b" does not parse: an empty name at character 3',
      ]);
      expect(result.stderr).toBe('8 problems in 1 manifest.\n');
      expect(crashSigns(result)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it.each(['__proto__', 'constructor'])('--config %s=1 is a usage error, exit 2', async (key) => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', rejectedByRun.replace(/^ {4}pages:.*\n/m, '').replace(/^auth:[^]*?(?=^base_url)/m, 'auth: {scheme: none}\n').replace(/^headers:\n.*\n/m, '').replace(/, records: [^}]*/g, ''));
      const result = await cli(['run', 'demo/connector.yaml', '--config', `${key}=1`], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`Error: --config \`${key}\` cannot be a config key (JavaScript objects reserve it).\n`);
      expect(result.stdout).toBe('');
    } finally {
      cleanup();
    }
  });
});

/** A manifest that runs without a server: the flags are refused before any request. */
const quiet = `apiVersion: connectors/v1
name: demo
auth: {scheme: api_key}
base_url: http://127.0.0.1:9
streams:
  - {name: a, path: /a}
`;

describe.concurrent('empty or odd flag values are usage errors, one line, exit 2 (issue 9)', () => {
  const cases: Array<[string, string[], string]> = [
    ['--output ""', ['run', 'demo/connector.yaml', '--output', ''], 'Error: --output must not be empty.'],
    ['--state ""', ['run', 'demo/connector.yaml', '--state', ''], 'Error: --state must not be empty.'],
    ['--output with a tab', ['run', 'demo/connector.yaml', '--output', 'a\tb'], 'Error: --output must not hold control characters (got "a\\tb").'],
    ['list --catalog ""', ['list', '--catalog', ''], 'Error: --catalog must not be empty.'],
    ['plugins install ""', ['plugins', 'install', ''], 'Error: PACKAGE must not be empty.'],
    ['--connection with a newline', ['run', 'demo/connector.yaml', '--connection', 'a\nb'], 'Error: "a\\nb" is not a valid connection name'],
    ['--connection __proto__', ['run', 'demo/connector.yaml', '--connection', '__proto__'], 'Error: "__proto__" is not a valid connection name'],
    ['a 300-character --connection', ['run', 'demo/connector.yaml', '--connection', 'x'.repeat(300)], `Error: "${'x'.repeat(40)}…" (300 characters) is not a valid connection name`],
    ['secrets set with a 300-character --connection', ['secrets', 'set', 'demo/connector.yaml', 'api_key', '--connection', 'x'.repeat(300)], `Error: "${'x'.repeat(40)}…" (300 characters) is not a valid connection name`],
  ];
  it.each(cases)('%s', async (_, args, start) => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', quiet);
      const result = await cli(args, { cwd: dir, input: 'a-long-enough-key\n', env: { CONNECTORS_SECRET_DEMO_API_KEY: 'a-long-enough-key' } });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr.startsWith(start)).toBe(true);
      expect(result.stderr).not.toMatch(/ENAMETOOLONG|Unexpected error/);
    } finally {
      cleanup();
    }
  });
});

/**
 * A records API: `/items` answers 2,000 records of about 100 bytes each, `/deep` a body nested
 * 500,000 levels deep.
 */
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  const items = JSON.stringify(Array.from({ length: 2000 }, (_, id) => ({ id, text: 'x'.repeat(90) })));
  const deep = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
  server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(request.url?.startsWith('/deep') ? deep : items);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const apiKey = 'a-long-enough-api-key';
const env = { CONNECTORS_SECRET_DEMO_API_KEY: apiKey };
const itemsManifest = (path = '/items') => `apiVersion: connectors/v1
name: demo
auth: {scheme: api_key}
base_url: ${baseUrl}
streams:
  - {name: items, path: ${path}}
`;

/**
 * Runs the CLI in a private mount namespace (util-linux \`unshare -m\`; we run as root, whom
 * chmod does not stop) with a fresh tmpfs mounted at \`mountPoint\` first: \`ro\` for a read-only
 * home, \`size=64k\` for a full disk. The mount vanishes with the process.
 */
function runWithMount(mountPoint: string, mountOptions: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const script = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"';
    const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', mountOptions, mountPoint, process.execPath, cliBin, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Exit 1, one line on stderr, matching \`pattern\`, no stack, no "Unexpected error". */
function expectOneSentence(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(lines(result.stderr)).toEqual([expect.stringMatching(pattern)]);
  expect(crashSigns(result)).toEqual([]);
}

describe.concurrent('system errors are one sentence saying what, where and what to do (issue 9)', () => {
  it('CONNECTORS_HOME is a file: ENOTDIR', async () => {
    const { dir, cleanup } = makeTree({ 'home-file': 'not a folder\n' });
    try {
      writeManifest(dir, 'demo', itemsManifest());
      const result = await runCli(['run', 'demo/connector.yaml'], { cwd: dir, env: { ...env, CONNECTORS_HOME: join(dir, 'home-file') } });
      expectOneSentence(result, /^Error: Could not \w+( the folder)? \S*home-file\S*: a part of that path is a file, not a folder \(ENOTDIR\); check CONNECTORS_HOME, secret_store\.path in connectors\.config\.yaml and --output\.$/);
    } finally {
      cleanup();
    }
  });

  it('CONNECTORS_HOME on a file system that makes no folders (/proc): one sentence, where Node\'s recursive mkdir would spin forever', async () => {
    const result = await runCli(['secrets', 'set', 'demo', 'api_key', '--value', 'abcdefgh'], { env: { ...env, CONNECTORS_HOME: '/proc/connectors-home' }, timeoutMs: 20_000 });
    expect(result.signal).toBeNull(); // it ended by itself, not by the test's timeout
    expectOneSentence(result, /^Error: Could not create the folder \/proc\/connectors-home: .*\(ENOENT\); set CONNECTORS_HOME to a writable folder\.$/);
  });

  it('secret_store.path below a file: ENOTDIR', async () => {
    const { dir, cleanup } = makeTree({ 'a-file': 'x\n', 'connectors.config.yaml': 'secret_store: {type: file, path: a-file}\n' });
    try {
      writeManifest(dir, 'demo', itemsManifest());
      const result = await cli(['secrets', 'list', 'demo/connector.yaml'], { cwd: dir, env });
      expectOneSentence(result, /^Error: Could not \w+ \S*a-file\/secrets\.enc: a part of that path is a file, not a folder \(ENOTDIR\);/);
    } finally {
      cleanup();
    }
  });

  it.each([
    ['names a file: EEXIST', 'out-file', /^Error: Could not create the folder out-file: a file is in the way \(EEXIST\); choose another path or move the file away\.$/],
    ['is below a file: ENOTDIR', 'out-file/sub', /^Error: Could not create the folder out-file\/sub: a part of that path is a file, not a folder \(ENOTDIR\);/],
  ])('--output %s', async (_, output, pattern) => {
    const { dir, cleanup } = makeTree({ 'out-file': 'kept\n' });
    try {
      writeManifest(dir, 'demo', itemsManifest());
      const result = await cli(['run', 'demo/connector.yaml', '--output', output], { cwd: dir, env });
      expectOneSentence(result, pattern);
    } finally {
      cleanup();
    }
  });

  it('a read-only home: an api_key run and check need no write and succeed', async () => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', itemsManifest());
      mkdirSync(join(dir, 'home'));
      const options = { cwd: dir, env: { ...env, CONNECTORS_HOME: join(dir, 'home') } };
      const run = await runWithMount(join(dir, 'home'), 'ro', ['run', 'demo/connector.yaml', '--quiet'], options);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(lines(run.stdout).filter((line) => line.includes('"RECORD"'))).toHaveLength(2000);
      const check = await runWithMount(join(dir, 'home'), 'ro', ['check', 'demo/connector.yaml'], options);
      expect(check.code).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('a full disk under --output: ENOSPC', async () => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', itemsManifest());
      mkdirSync(join(dir, 'small'));
      const result = await runWithMount(join(dir, 'small'), 'size=64k', ['run', 'demo/connector.yaml', '--output', 'small/out', '--quiet'], { cwd: dir, env: { ...env, CONNECTORS_HOME: join(dir, 'home') } });
      expectOneSentence(result, /^Error: Could not write \S+: the disk is full \(ENOSPC\); free some space and run again\.$/);
    } finally {
      cleanup();
    }
  });

  it('a response nested 500,000 levels deep', async () => {
    const { dir, cleanup } = makeTree();
    try {
      writeManifest(dir, 'demo', itemsManifest('/deep'));
      const result = await cli(['run', 'demo/connector.yaml', '--quiet'], { cwd: dir, env });
      expectOneSentence(result, /^Error: The input is nested too deeply to process/);
    } finally {
      cleanup();
    }
  });

  it('validate /dev/zero is refused after 1 MiB', async () => {
    const result = await cli(['validate', '/dev/zero'], { cwd: repoRoot });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual(['/dev/zero: the file is over 1 MiB; a manifest may be at most 1 MiB']);
    expect(crashSigns(result)).toEqual([]);
  });

  it('YAML nested too deeply says so', async () => {
    const { dir, cleanup } = makeTree();
    try {
      writeFileSync(join(dir, 'deep.yaml'), `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
      const result = await cli(['validate', 'deep.yaml'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(lines(result.stdout)).toEqual([expect.stringMatching(/^deep\.yaml:\d+:\d+: the YAML is nested too deeply to read; a manifest needs a few dozen levels at most$/)]);
    } finally {
      cleanup();
    }
  });
});
