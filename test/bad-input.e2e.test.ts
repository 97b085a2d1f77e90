/**
 * Issue 9 end to end: bad input the built CLI used to accept, or answered with a system error,
 * each gives one clear line, the right exit code and no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, type CliOptions, type CliResult } from './helpers/cli.js';
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
