/**
 * Third-party auth-scheme plugins end to end (DESIGN.md section 6, section 7 `plugins`, section 8
 * "Plugin context"): the fixture package test/fixtures/plugins/acme-scheme listed in
 * connectors.config.yaml or installed with `connectors plugins install`, used by schemes,
 * validate, check and run against a local server that checks what the plugin applied and echoes
 * what the plugin was given; broken plugins fail every command with one line naming the package.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { startAcmeServer, type AcmeServer } from './helpers/acme-plugin-server.js';
import { findLeaks, makeHome, parseLines, repoRoot, runCli, type CliResult } from './helpers/cli.js';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'plugins', 'acme-scheme');
const PACKAGE = 'connectors-plugin-acme';
const ORIGIN = `${PACKAGE}@1.4.0`;

const DEFAULT_KEY = 'acme-key-default-7c1e';
const DEFAULT_SECRET = 'acme-secret-default-Zq9!x';
const OTHER_KEY = 'acme-key-other-44b0';
const OTHER_SECRET = 'acme-secret-other-Pp3$w';
const OTHER_ONLY = 'other-connection-only-value-91';
const SECRETS = [DEFAULT_KEY, DEFAULT_SECRET, OTHER_KEY, OTHER_SECRET, OTHER_ONLY];

const MANIFEST = `apiVersion: connectors/v1
name: acme
title: Acme widgets
config:
  type: object
  properties:
    base_url: {type: string, format: uri, default: "https://api.acme.example"}
auth:
  scheme: acme
  token_url: "{{ config.base_url }}/oauth/token"
  refresh_before: 30
base_url: "{{ config.base_url }}"
check: {path: /me}
streams:
  - name: widgets
    path: /widgets
    params: {size: "10"}
    records: widgets
    primary_key: id
  - name: search
    path: /search
    method: POST
    body: {q: "blue"}
    records: results
    primary_key: id
`;

/** Line 9 holds the wrong option type, line 10 an option the plugin's schema does not know. */
const BAD_MANIFEST = `apiVersion: connectors/v1
name: acme_bad
config:
  type: object
  properties:
    base_url: {type: string, default: "https://api.acme.example"}
auth:
  scheme: acme
  token_ttl: "long"
  colour: red
base_url: "{{ config.base_url }}"
streams:
  - {name: widgets, path: /widgets}
`;

const temps: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A project folder: connectors.config.yaml with `plugins` (paths made relative to it) and the acme catalog. */
function makeProject(plugins: string[], serverUrl = 'http://127.0.0.1:9', options: { manifest?: string } = {}): string {
  const dir = tempDir('connectors-plugins-project-');
  const listed = plugins.map((plugin) => (plugin.startsWith('/') ? relative(dir, plugin) : plugin));
  const pluginLines = listed.length ? `plugins:\n${listed.map((p) => `  - ${JSON.stringify(p)}`).join('\n')}\n` : '';
  writeFileSync(join(dir, 'connectors.config.yaml'), `${pluginLines}config:\n  acme:\n    base_url: ${JSON.stringify(serverUrl)}\n`);
  mkdirSync(join(dir, 'connectors', 'acme'), { recursive: true });
  writeFileSync(join(dir, 'connectors', 'acme', 'connector.yaml'), options.manifest ?? MANIFEST);
  return dir;
}

/** A plugin package on disk: package.json (the `connectors` field unless given) and dist/index.js. */
function writePlugin(name: string, index: string, packageJson: Record<string, unknown> = {}): string {
  const dir = join(tempDir('connectors-plugin-pkg-'), name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name, version: '0.3.0', type: 'module', connectors: { apiVersion: 1, authSchemes: ['./dist/index.js'] }, ...packageJson,
  }));
  writeFileSync(join(dir, 'dist', 'index.js'), index);
  return dir;
}

const schemeSource = (name: string, extra = '') =>
  `export default { name: '${name}', apiVersion: 1, requiredSecrets: [], injectedSecrets: [], ` +
  `async authenticate() { return { secrets: {} }; }, apply() {}${extra} };\n`;

const envFor = (home: string, secrets: Record<string, string> = {}) => ({
  CONNECTORS_HOME: home,
  CONNECTORS_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  ...Object.fromEntries(Object.entries(secrets).map(([name, value]) => [`CONNECTORS_SECRET_ACME_${name.toUpperCase()}`, value])),
});

/** One line on stderr starting `Error: `, nothing on stdout, exit 1. */
function expectOneLineFailure(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(pattern);
}

function expectNoLeaks(server: AcmeServer, ...results: CliResult[]): void {
  for (const result of results) expect(findLeaks(result.stdout + result.stderr, [...SECRETS, ...server.issued])).toEqual([]);
}

/** Each test gets its own server and CONNECTORS_HOME, so the tests of this file run concurrently. */
async function setup(context: TestContext): Promise<{ server: AcmeServer; home: string }> {
  const server = await startAcmeServer({ [DEFAULT_KEY]: DEFAULT_SECRET, [OTHER_KEY]: OTHER_SECRET });
  const { home, cleanup } = makeHome();
  context.onTestFinished(async () => {
    await server.close();
    cleanup();
  });
  return { server, home };
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('a plugin listed in connectors.config.yaml', () => {
  it('shows in `schemes` with its package origin, as a table and as --json', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    const table = await runCli(['schemes'], { cwd, env: envFor(home) });
    expect(table.code, table.stderr).toBe(0);
    const row = table.stdout.split('\n').find((line) => line.startsWith('acme '));
    expect(row?.split(/\s{2,}/)).toEqual(['acme', ORIGIN, 'acme_key, acme_secret', 'acme_token']);

    const json = await runCli(['schemes', '--json'], { cwd, env: envFor(home) });
    expect(json.code, json.stderr).toBe(0);
    const schemes = JSON.parse(json.stdout) as Array<{ name: string; origin: string }>;
    expect(schemes.find((s) => s.name === 'acme')).toEqual({
      name: 'acme',
      description: 'Acme key pair exchanged for a bearer token (test fixture).',
      origin: ORIGIN,
      requiredSecrets: [
        { name: 'acme_key', env: 'CONNECTORS_SECRET_<CONNECTOR>_ACME_KEY', optional: false },
        { name: 'acme_secret', env: 'CONNECTORS_SECRET_<CONNECTOR>_ACME_SECRET', optional: false, aliases: ['acme_password'] },
      ],
      injectedSecrets: [{ name: 'acme_token' }],
    });
    expect(schemes.filter((s) => s.origin === 'built-in').length).toBeGreaterThanOrEqual(4);
  });

  it('joins `validate`: the plugin options schema checks the manifest, one file:line:col line per problem', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    writeFileSync(join(cwd, 'bad.yaml'), BAD_MANIFEST);
    // The good manifest beside it has no problem: only bad.yaml's lines are printed.
    const bad = await runCli(['validate', 'connectors', 'bad.yaml'], { cwd, env: envFor(home) });
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trimEnd().split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line));
    expect(lines.sort()).toEqual([
      'bad.yaml:10:3: auth.colour: unknown option `colour` for auth scheme `acme`; allowed: token_url, tenant, token_ttl, scheme, refresh_before, apply',
      'bad.yaml:8:3: auth: auth scheme `acme` requires the option `token_url`',
      'bad.yaml:9:14: auth.token_ttl: must be an integer, got "long"',
    ]);

    const json = await runCli(['validate', 'connectors', 'bad.yaml', '--json'], { cwd, env: envFor(home) });
    const report = JSON.parse(json.stdout) as { valid: boolean; manifests: number; problems: Array<{ path: string; line: number; col: number }> };
    expect(report.valid).toBe(false);
    expect(report.manifests).toBe(2);
    expect(report.problems.map((p) => `${p.path}@${p.line}:${p.col}`).sort()).toEqual(['auth.colour@10:3', 'auth.token_ttl@9:14', 'auth@8:3']);
  });

  it('check authenticates through the plugin: ctx.options without host keys and with defaults, ctx.secrets only the required ones, header and query applied', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    const env = envFor(home, { acme_key: DEFAULT_KEY, acme_secret: DEFAULT_SECRET });
    const check = await runCli(['check', 'acme'], { cwd, env });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/\/me.*200/);

    expect(server.tokenRequests).toHaveLength(1);
    expect(server.tokenRequests[0]).toEqual({
      key: DEFAULT_KEY,
      secret: DEFAULT_SECRET,
      seen: {
        connector: 'acme',
        connection: 'default',
        // token_url templated with config; tenant and token_ttl from the plugin schema's defaults;
        // no scheme, refresh_before or apply.
        options: { token_url: `${server.url}/oauth/token`, tenant: 'main', token_ttl: 3600 },
        secretNames: ['acme_key', 'acme_secret'],
        hadPrevious: false,
      },
    });
    expect(server.apiRequests).toEqual([{ method: 'GET', path: '/me', tenant: 'main', token: server.issued[0], search: '?tenant=main' }]);

    // The session the plugin returned is kept: a second process makes no token request.
    const again = await runCli(['check', 'acme'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests.at(-1)?.token).toBe(server.issued[0]);
    expectNoLeaks(server, check, again);
  });

  it('run uses the plugin per connection: each sees only its own connection\'s secrets, the query keeps the stream params', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    const env = envFor(home);
    const set = async (secret: string, value: string, connection: string) => {
      const result = await runCli(['secrets', 'set', 'acme', secret, '--connection', connection], { cwd, env, input: `${value}\n` });
      expect(result.code, result.stderr).toBe(0);
      return result;
    };
    const sets = [
      await set('acme_key', DEFAULT_KEY, 'default'),
      await set('acme_secret', DEFAULT_SECRET, 'default'),
      await set('acme_key', OTHER_KEY, 'eu'),
      await set('acme_secret', OTHER_SECRET, 'eu'),
      await set('other_only', OTHER_ONLY, 'eu'),
    ];

    const runDefault = await runCli(['run', 'acme', '--stream', 'widgets'], { cwd, env });
    expect(runDefault.code, runDefault.stderr).toBe(0);
    const records = parseLines(runDefault.stdout).filter((m) => m.type === 'RECORD').map((m) => m.record);
    expect(records).toEqual([{ id: 1, tenant: 'main' }, { id: 2, tenant: 'main' }]);
    expect(server.tokenRequests.map((r) => [r.key, r.seen.connection, r.seen.secretNames])).toEqual([
      [DEFAULT_KEY, 'default', ['acme_key', 'acme_secret']],
    ]);
    expect(server.apiRequests.at(-1)).toEqual({ method: 'GET', path: '/widgets', tenant: 'main', token: server.issued.at(-1), search: '?size=10&tenant=main' });

    const runEu = await runCli(['run', 'acme', '--stream', 'widgets', '--connection', 'eu'], { cwd, env });
    expect(runEu.code, runEu.stderr).toBe(0);
    expect(server.tokenRequests.map((r) => [r.key, r.secret === OTHER_SECRET, r.seen.connection, r.seen.secretNames])).toEqual([
      [DEFAULT_KEY, false, 'default', ['acme_key', 'acme_secret']],
      // The eu connection's seed is visible to it, and only to it.
      [OTHER_KEY, true, 'eu', ['acme_key', 'acme_secret', 'other_only']],
    ]);
    expect(server.apiRequests.at(-1)?.token).toBe(server.issued.at(-1));
    expect(server.issued).toHaveLength(2);
    expectNoLeaks(server, ...sets, runDefault, runEu);
  });

  it('apply may change the body of a POST, and after a 401 the renewed session is applied to the request as it was', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    const env = envFor(home, { acme_key: DEFAULT_KEY, acme_secret: DEFAULT_SECRET });
    const first = await runCli(['run', 'acme', '--stream', 'search'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    const records = parseLines(first.stdout).filter((m) => m.type === 'RECORD').map((m) => m.record);
    expect(records).toEqual([{ id: 'r1', body: { q: 'blue', acme_tenant: 'main' } }]);

    // The stored token is revoked: the request answers 401, the plugin authenticates again with
    // `previous`, and the retry carries the new token and the tenant once, in query and body.
    server.revokeAll();
    const second = await runCli(['run', 'acme', '--stream', 'search'], { cwd, env: { ...env, DEBUG: 'connectors*' } });
    expect(second.code, second.stderr).toBe(0);
    expect(parseLines(second.stdout).filter((m) => m.type === 'RECORD').map((m) => m.record)).toEqual(records);
    expect(server.tokenRequests.map((r) => r.seen.hadPrevious)).toEqual([false, true]);
    expect(server.apiRequests.map((r) => [r.method, r.search, r.token])).toEqual([
      ['POST', '?tenant=main', server.issued[0]],
      ['POST', '?tenant=main', server.issued[0]],
      ['POST', '?tenant=main', server.issued[1]],
    ]);
    expect(second.stderr).toMatch(/401/); // the debug log said what happened, redacted
    expectNoLeaks(server, first, second);
  });

  it('a failed plugin login is one line on stderr, exit 1, without the secrets', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([FIXTURE], server.url);
    const check = await runCli(['check', 'acme'], { cwd, env: envFor(home, { acme_key: DEFAULT_KEY, acme_secret: 'wrong-secret-value' }) });
    expectOneLineFailure(check, /401/);
    expect(findLeaks(check.stdout + check.stderr, [...SECRETS, 'wrong-secret-value'])).toEqual([]);
  });
});

describe.concurrent('a broken plugin fails every command that loads the project config', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a package apiVersion other than 1', () => [writePlugin('plugin-pkg-v2', schemeSource('pkg_v2'), { connectors: { apiVersion: 2, authSchemes: ['./dist/index.js'] } })], /^Error: Plugin plugin-pkg-v2 declares connectors\.apiVersion 2; this runtime supports apiVersion 1\.$/],
    ['a scheme apiVersion other than 1', () => [writePlugin('plugin-scheme-v3', schemeSource('scheme_v3').replace('apiVersion: 1', 'apiVersion: 3'))], /^Error: Plugin plugin-scheme-v3 \(\.\/dist\/index\.js\) scheme "scheme_v3" has apiVersion 3; this runtime supports apiVersion 1\.$/],
    ['no default export', () => [writePlugin('plugin-no-default', 'export const scheme = {};\n')], /^Error: Plugin plugin-no-default \(\.\/dist\/index\.js\) has no default export/],
    ['a module that throws on load', () => [writePlugin('plugin-throws', "throw new Error('kaboom while loading');\n")], /^Error: Plugin plugin-throws \(\.\/dist\/index\.js\) failed to load: kaboom while loading$/],
    ['an options schema that is not JSON Schema', () => [writePlugin('plugin-bad-options', schemeSource('bad_options', ", options: { type: 'object', properties: { x: { type: 'strin' } } }"))], /^Error: Plugin plugin-bad-options \(\.\/dist\/index\.js\) scheme "bad_options" has an options schema that is not valid JSON Schema \(schema is invalid: /],
    ['no connectors field', () => [writePlugin('plugin-no-field', schemeSource('x'), { connectors: undefined })], /^Error: Plugin plugin-no-field has no "connectors" field/],
    ['a scheme name taken by another package', () => [FIXTURE, writePlugin('plugin-dup', schemeSource('acme'))], /^Error: Plugin plugin-dup: Auth scheme "acme" from plugin-dup@0\.3\.0 is already provided by connectors-plugin-acme@1\.4\.0\.$/],
    ['a scheme name taken by a built-in', () => [writePlugin('plugin-basic', schemeSource('basic'))], /^Error: Plugin plugin-basic: Auth scheme "basic" from plugin-basic@0\.3\.0 is already provided by built-in\.$/],
    ['a package that is not installed', () => ['connectors-plugin-not-installed-anywhere'], /^Error: Plugin package "connectors-plugin-not-installed-anywhere" is not installed where .* can resolve it\./],
    ['a path with no package', () => ['./plugins/missing'], /^Error: Plugin "\.\/plugins\/missing" has no package\.json at /],
  ];

  it.each(cases)('%s: `list` exits 1 with one line naming the package', async (_label, plugins, message) => {
    const { home: ownHome, cleanup } = makeHome();
    try {
      const cwd = makeProject(plugins());
      const list = await runCli(['list'], { cwd, env: envFor(ownHome) });
      expectOneLineFailure(list, message);
    } finally {
      cleanup();
    }
  });

  it('also fails `schemes`, `check` and `plugins list` with the same line', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([writePlugin('plugin-throws-too', "throw new Error('broken at import');\n")]);
    const results = await Promise.all([['schemes'], ['check', 'acme'], ['plugins', 'list']].map((args) => runCli(args, { cwd, env: envFor(home) })));
    for (const result of results) expectOneLineFailure(result, /^Error: Plugin plugin-throws-too \(\.\/dist\/index\.js\) failed to load: broken at import$/);
  });
});

describe.concurrent('connectors plugins install / list / uninstall', () => {
  it('installs a local package, lists it, uses it, and uninstalls it', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([], server.url);
    const env = envFor(home, { acme_key: DEFAULT_KEY, acme_secret: DEFAULT_SECRET });
    const empty = await runCli(['plugins', 'list', '--json'], { cwd, env });
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual([]);

    // A relative path resolves from the working directory.
    const install = await runCli(['plugins', 'install', relative(cwd, FIXTURE)], { cwd, env });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr).toBe(`Installed ${ORIGIN} (schemes: acme).\n`);
    expect(existsSync(join(home, 'plugins', 'node_modules', PACKAGE, 'package.json'))).toBe(true);

    const list = await runCli(['plugins', 'list', '--json'], { cwd, env });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: PACKAGE, version: '1.4.0', schemes: ['acme'], stores: [], source: 'installed', directory: join(home, 'plugins', 'node_modules', PACKAGE) },
    ]);
    const table = await runCli(['plugins', 'list'], { cwd, env });
    expect(table.stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['PLUGIN', 'VERSION', 'SCHEMES', 'STORES', 'SOURCE'],
      [PACKAGE, '1.4.0', 'acme', '-', 'installed'],
    ]);

    const schemes = JSON.parse((await runCli(['schemes', '--json'], { cwd, env })).stdout) as Array<{ name: string; origin: string }>;
    expect(schemes.find((s) => s.name === 'acme')?.origin).toBe(ORIGIN);
    const check = await runCli(['check', 'acme'], { cwd, env });
    expect(check.code, check.stderr).toBe(0);
    expect(server.tokenRequests.map((r) => r.seen.options)).toEqual([{ token_url: `${server.url}/oauth/token`, tenant: 'main', token_ttl: 3600 }]);
    expect(server.apiRequests.at(-1)).toMatchObject({ path: '/me', tenant: 'main', token: server.issued.at(-1) });

    // A project that lists the same package in its config loads it once, from the config.
    const listed = await runCli(['plugins', 'list', '--json'], { cwd: makeProject([FIXTURE], server.url), env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string; source: string }>).map((p) => [p.name, p.source])).toEqual([[PACKAGE, 'config']]);

    const uninstall = await runCli(['plugins', 'uninstall', PACKAGE], { cwd, env });
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(uninstall.stderr).toBe(`Uninstalled ${ORIGIN}.\n`);
    expect(existsSync(join(home, 'plugins', 'node_modules', PACKAGE))).toBe(false);
    expect(JSON.parse((await runCli(['plugins', 'list', '--json'], { cwd, env })).stdout)).toEqual([]);
    const gone = await runCli(['check', 'acme'], { cwd, env });
    expectOneLineFailure(gone, /acme/);

    const again = await runCli(['plugins', 'uninstall', PACKAGE], { cwd, env });
    expectOneLineFailure(again, new RegExp(`^Error: Plugin ${PACKAGE} is not installed\\.`));
    expectNoLeaks(server, install, list, check, uninstall, gone);
  });

  it('rolls back a package that breaks the contract, and one whose scheme name is taken', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([], server.url);
    const env = envFor(home);
    const broken = writePlugin('plugin-broken-install', schemeSource('broken_install').replace('apiVersion: 1', 'apiVersion: 2'));
    const failed = await runCli(['plugins', 'install', broken], { cwd, env });
    expectOneLineFailure(failed, /^Error: Plugin plugin-broken-install \(\.\/dist\/index\.js\) scheme "broken_install" has apiVersion 2; this runtime supports apiVersion 1\. Nothing was installed\.$/);
    expect(existsSync(join(home, 'plugins', 'node_modules', 'plugin-broken-install'))).toBe(false);
    expect(JSON.parse((await runCli(['plugins', 'list', '--json'], { cwd, env })).stdout)).toEqual([]);

    const ok = await runCli(['plugins', 'install', FIXTURE], { cwd, env });
    expect(ok.code, ok.stderr).toBe(0);
    const twin = writePlugin('plugin-acme-twin', schemeSource('acme'));
    const clash = await runCli(['plugins', 'install', twin], { cwd, env });
    expectOneLineFailure(clash, /^Error: Plugin plugin-acme-twin: Auth scheme "acme" from plugin-acme-twin@0\.3\.0 is already provided by connectors-plugin-acme@1\.4\.0\. Nothing was installed\.$/);
    const after = JSON.parse((await runCli(['plugins', 'list', '--json'], { cwd, env })).stdout) as Array<{ name: string }>;
    expect(after.map((p) => p.name)).toEqual([PACKAGE]);

    const missing = await runCli(['plugins', 'install', './no/such/plugin'], { cwd, env });
    expectOneLineFailure(missing, /^Error: There is no plugin package at .*\/no\/such\/plugin\.$/);
  });

  it('uninstall works when the installed plugin is broken, which every other command reports', async (context) => {
    const { server, home } = await setup(context);
    const cwd = makeProject([], server.url);
    const env = envFor(home);
    const pkg = writePlugin('plugin-breaks-later', schemeSource('breaks_later'));
    expect((await runCli(['plugins', 'install', pkg], { cwd, env })).code).toBe(0);
    writeFileSync(join(pkg, 'dist', 'index.js'), "throw new Error('broken after install');\n"); // the folder is linked
    expectOneLineFailure(await runCli(['schemes'], { cwd, env }), /^Error: Plugin plugin-breaks-later \(\.\/dist\/index\.js\) failed to load: broken after install$/);
    const uninstall = await runCli(['plugins', 'uninstall', 'plugin-breaks-later'], { cwd, env });
    expect(uninstall.code, uninstall.stderr).toBe(0);
    const schemes = await runCli(['schemes'], { cwd, env });
    expect(schemes.code, schemes.stderr).toBe(0);
    expect(schemes.stdout).not.toMatch(/breaks_later/);
  });
});
