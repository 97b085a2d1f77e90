/**
 * The command store and store plugins end to end (DESIGN.md section 10, issue 11), with the built
 * CLI as child processes against a token endpoint that rotates refresh tokens honestly. The
 * command store reads the connection's secrets from a password manager (a shell script keeping
 * one file per secret, quiet with exit 1 when one is missing, as `pass show` wrapped would be) and
 * keeps the changing session in the file store under CONNECTORS_HOME; a store plugin listed under
 * `plugins:` keeps everything in its own file. Every byte printed is scanned for every secret.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { writeOAuthConnector } from './helpers/serve.js';
import { startRotatingOAuth } from './servers/rotating-oauth.js';

const CLIENT_ID = 'cmd-e2e-client-id';
const CLIENT_SECRET = 'cmd-e2e-client-secret-Qw83zL';
const SEED_REFRESH = 'rt_cmd_e2e_seed_refresh_token_value';
const STORE_PLUGIN = join(repoRoot, 'core', 'src', 'plugins', '__fixtures__', 'json-store');

const VAULT_SCRIPT = `#!/bin/sh
vault=$1; op=$2; f="$vault/$3/$4/$5"
printf '%s %s\\n' "$op" "$5" >> "$vault/calls.log"
case "$op" in
  get) [ -f "$f" ] || exit 1; cat "$f" ;;
  set) mkdir -p "$(dirname "$f")"; cat > "$f" ;;
  delete) [ -f "$f" ] || exit 1; rm "$f" ;;
esac
`;

let root: string;
let project: string;
let vault: string;
let home: string;
let api: Awaited<ReturnType<typeof startRotatingOAuth>>;
let printed: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'connectors-stores-e2e-'));
  project = join(root, 'project');
  vault = join(root, 'vault');
  home = join(root, 'home');
  mkdirSync(project);
  mkdirSync(vault);
  writeFileSync(join(root, 'vault.sh'), VAULT_SCRIPT, { mode: 0o755 });
  api = await startRotatingOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [SEED_REFRESH] });
  writeOAuthConnector(join(project, 'catalog'), 'acme', api.tokenUrl, api.url);
  printed = '';
});

afterEach(async () => {
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

function writeConfig(storeLines: string): void {
  writeFileSync(join(project, 'connectors.config.yaml'), `catalog: ./catalog\n${storeLines}`);
}

function commandStoreConfig(extra = ''): string {
  const argv = (op: string) => `["sh", "../vault.sh", "../vault", "${op}", "{connector}", "{connection}", "{name}"]`;
  return `secret_store:\n  type: command\n  get: ${argv('get')}\n  set: ${argv('set')}\n  delete: ${argv('delete')}\n${extra}`;
}

async function cli(args: string[], input?: string): Promise<CliResult> {
  const result = await runCli(args, { env: { CONNECTORS_HOME: home }, cwd: project, input, timeoutMs: 60_000 });
  printed += result.stdout + result.stderr;
  return result;
}

async function storeSecrets(): Promise<void> {
  for (const [name, value] of [['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['oauth_refresh_token', SEED_REFRESH]] as const) {
    const result = await cli(['secrets', 'set', 'acme', name], value);
    expect(result.stderr).toBe(`Stored ${name} for acme (default).\n`);
    expect(result.code).toBe(0);
  }
}

function expectNoLeaks(): void {
  expect(findLeaks(printed, [CLIENT_SECRET, SEED_REFRESH, ...api.state.issued])).toEqual([]);
  expect(printed).not.toMatch(/\n\s+at /);
}

describe('secret_store type command', () => {
  it('secrets go to the password manager, the rotating session to the file store; runs renew once and reuse the session', async () => {
    writeConfig(commandStoreConfig());
    await storeSecrets();
    expect(readFileSync(join(vault, 'acme', 'default', 'client_secret'), 'utf8')).toBe(CLIENT_SECRET);
    expect(existsSync(join(home, 'secrets.enc'))).toBe(false); // nothing of the secrets stayed on this machine

    const first = await cli(['check', 'acme']);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const second = await cli(['check', 'acme']);
    expect(second.code, second.stderr).toBe(0);
    expect(api.state.tokenRequests).toBe(1);
    expect(api.state.invalidGrants).toBe(0);
    // the rotated refresh token lives in the session in CONNECTORS_HOME, never written back to the vault
    expect(readdirSync(home)).toEqual(expect.arrayContaining(['secrets.enc']));
    expect(readFileSync(join(vault, 'acme', 'default', 'oauth_refresh_token'), 'utf8')).toBe(SEED_REFRESH);
    const list = await cli(['secrets', 'list', 'acme', '--json']);
    const sources = Object.fromEntries((JSON.parse(list.stdout) as Array<{ name: string; source: string }>).map((entry) => [entry.name, entry.source]));
    expect(sources).toMatchObject({ client_id: 'store', client_secret: 'store', oauth_access_token: 'session' });
    expectNoLeaks();
  });

  it('secrets delete runs the delete program; deleting what is not stored says so', async () => {
    writeConfig(commandStoreConfig());
    await storeSecrets();
    const deleted = await cli(['secrets', 'delete', 'acme', 'client_secret']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(existsSync(join(vault, 'acme', 'default', 'client_secret'))).toBe(false);
    const again = await cli(['secrets', 'delete', 'acme', 'client_secret']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/client_secret/);
    const check = await cli(['check', 'acme']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/client_secret/);
    expectNoLeaks();
  });

  it('a program that fails loudly is exit 1 with one redacted sentence; a missing program is named', async () => {
    writeConfig(`secret_store:\n  type: command\n  get: ["sh", "-c", "echo; echo 'vault: permission denied' >&2; echo 'second line' >&2; exit 4"]\n`);
    const loud = await cli(['check', 'acme']);
    expect(loud.code).toBe(1);
    expect(loud.stderr.trim().split('\n')).toHaveLength(1);
    expect(loud.stderr).toBe('Error: The secret_store get command "sh" (the connection config of acme/default) failed with exit 4: vault: permission denied.\n');

    writeConfig('secret_store:\n  type: command\n  get: ["no-such-password-manager", "{name}"]\n');
    const missing = await cli(['check', 'acme']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error: The secret_store get command "no-such-password-manager" was not found: install it, or give its full path in connectors.config.yaml.\n');

    writeConfig('secret_store:\n  type: command\n  get: ["pass", "show", "{secret}"]\n');
    const bad = await cli(['check', 'acme']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: secret_store.get has the placeholder {secret}; the placeholders are {connector}, {connection}, {name}.\n');
    expectNoLeaks();
  });
});

describe('store plugins', () => {
  it('a plugin listed under plugins: provides secret_store.type; secrets and sessions live where it keeps them', async () => {
    writeConfig(`plugins:\n  - ${STORE_PLUGIN}\nsecret_store:\n  type: json-file\n  file: ../plugin-store.json\n`);
    const list = await cli(['plugins', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'connectors-store-json', schemes: [], stores: ['json-file'], source: 'config' })]);
    await storeSecrets();
    const check = await cli(['check', 'acme']);
    expect(check.code, check.stderr).toBe(0);
    const data = JSON.parse(readFileSync(join(root, 'plugin-store.json'), 'utf8')) as { secrets: Record<string, Record<string, string>>; sessions: Record<string, { secrets: Record<string, string> }> };
    expect(data.secrets['acme/default']?.client_secret).toBe(CLIENT_SECRET);
    expect(Object.keys(data.sessions['acme/default']?.secrets ?? {})).toContain('oauth_access_token');
    expect(existsSync(join(home, 'secrets.enc'))).toBe(false);
    expect(api.state.tokenRequests).toBe(1);
    expectNoLeaks();
  });

  it('options its schema refuses, and a type no plugin provides, are exit 1 with one sentence', async () => {
    writeConfig(`plugins:\n  - ${STORE_PLUGIN}\nsecret_store:\n  type: json-file\n  file: 42\n`);
    const bad = await cli(['check', 'acme']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: secret_store.file is not valid for type json-file (connectors-store-json@0.3.0): must be string.\n');
    writeConfig('secret_store:\n  type: json-file\n  file: x.json\n');
    const unknown = await cli(['check', 'acme']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error: secret_store type "json-file" is neither built in nor provided by a loaded plugin; the known types are file, postgres and command. A store plugin is listed under plugins: in connectors.config.yaml, or installed with `connectors plugins install`.\n');
  });
});
