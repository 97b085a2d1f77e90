import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStoreError } from '../../errors.js';
import { FileStore } from '../file-store.js';
import { MemoryStore } from '../memory-store.js';
import { openSecretStore } from '../open-secret-store.js';
import { resolveSecrets } from '../resolve.js';
import { writeFakeVault } from './__fixtures__/fake-vault.js';
import { CommandStore } from './command-store.js';
import { parseCommandStoreConfig } from './command-store-config.js';

const acme = { connector: 'acme', connection: 'default' };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connectors-command-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function storeWith(options: Record<string, unknown>, redact: (text: string) => string = (text) => text): CommandStore {
  return new CommandStore({ config: parseCommandStoreConfig(options), sessions: new MemoryStore(), cwd: dir, env: process.env, redact });
}

/** A one-line shell program as a store command. */
function sh(script: string): string[] {
  return ['sh', '-c', script, 'store-command', '{connector}', '{connection}', '{name}'];
}

function vaultLog(): string[][] {
  const text = readFileSync(join(dir, 'argv.log'), 'utf8');
  return text.split('--\n').filter(Boolean).map((call) => call.trimEnd().split('\n'));
}

describe('CommandStore', () => {
  it('reads a secret from the program\'s stdout, one trailing newline stripped, and asks only for the names given', async () => {
    const store = storeWith({ get: sh('printf "value of %s/%s/%s\\n\\n" "$1" "$2" "$3"') });
    expect(await store.getSecrets(acme, ['api_key', 'api_key', 'other'])).toEqual({ api_key: 'value of acme/default/api_key\n', other: 'value of acme/default/other\n' });
    expect(await store.getSecrets(acme)).toEqual({});
  });

  it('passes each placeholder inside its argument, which stays one argument, and never runs a shell', async () => {
    const vault = writeFakeVault(dir);
    const store = storeWith({ get: [...vault.get.slice(0, 4), 'op://vault/{connector} items/{name}; rm -rf /', '{connection}', '{name}'] });
    await store.getSecrets(acme, ['api_key']);
    expect(vaultLog()).toEqual([['get', 'op://vault/acme items/api_key; rm -rf /', 'default', 'api_key']]);
  });

  it('a silent non-zero exit is "not stored"; a non-zero exit with stderr is an error with its first line, redacted', async () => {
    const silent = storeWith({ get: sh('exit 3') });
    expect(await silent.getSecrets(acme, ['api_key'])).toEqual({});
    const loud = storeWith({ get: sh('echo "  " >&2; echo "vault sealed: token hvs.SECRETTOKEN rejected." >&2; echo second line >&2; exit 2') }, (text) => text.replaceAll('hvs.SECRETTOKEN', '***'));
    const error = await loud.getSecrets(acme, ['api_key']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as Error).message).toBe('The secret_store get command "sh" (secret "api_key" of acme/default) failed with exit 2: vault sealed: token *** rejected.');
  });

  it('an empty answer is "not stored"', async () => {
    expect(await storeWith({ get: sh('printf "\\n"') }).getSecrets(acme, ['api_key'])).toEqual({});
  });

  it('names a program that is not installed in one sentence', async () => {
    const error = await storeWith({ get: ['op-not-installed-here', 'read', '{name}'] }).getSecrets(acme, ['api_key']).catch((e: unknown) => e);
    expect((error as Error).message).toBe('The secret_store get command "op-not-installed-here" was not found: install it, or give its full path in connectors.config.yaml.');
  });

  it('stops a program that runs past the timeout and says so', async () => {
    const error = await storeWith({ get: ['sleep', '30'], timeout: 0.2 }).getSecrets(acme, ['api_key']).catch((e: unknown) => e);
    expect((error as Error).message).toBe('The secret_store get command "sleep" (secret "api_key" of acme/default) did not finish within 0.2 s and was stopped; raise secret_store.timeout if it needs longer.');
  });

  it('writes a value on the program\'s stdin, never in its arguments, and deletes it', async () => {
    const vault = writeFakeVault(dir);
    const store = storeWith(vault);
    const value = `v-${randomBytes(12).toString('hex')} with spaces\nand a line`;
    await store.setSecret(acme, 'client_secret', value);
    expect(await store.getSecrets(acme, ['client_secret'])).toEqual({ client_secret: value });
    expect(readFileSync(join(dir, 'argv.log'), 'utf8')).not.toContain(value.slice(0, 10));
    expect(await store.deleteSecret(acme, 'client_secret')).toBe(true);
    expect(await store.deleteSecret(acme, 'client_secret')).toBe(false);
    expect(await store.getSecrets(acme, ['client_secret'])).toEqual({});
  });

  it('a failing set is an error whose text never shows the value', async () => {
    const value = 'the-value-that-was-refused';
    const store = storeWith({ get: sh('exit 1'), set: sh('read v; echo "cannot store $v here" >&2; exit 1') });
    const error = await store.setSecret(acme, 'api_key', value).catch((e: unknown) => e);
    expect((error as Error).message).toBe('The secret_store set command "sh" (secret "api_key" of acme/default) failed with exit 1: cannot store *** here.');
  });

  it('without set or delete, says how to store the secret instead', async () => {
    const store = storeWith({ get: sh('exit 1') });
    await expect(store.setSecret(acme, 'api_key', 'x')).rejects.toThrow('secret_store type command has no set command in connectors.config.yaml, so secret "api_key" cannot be stored here; set it with the password manager itself, or add set: [...].');
    await expect(store.deleteSecret(acme, 'api_key')).rejects.toThrow(/has no delete command/);
  });

  it('refuses a name a program could take for an option', async () => {
    const store = storeWith(writeFakeVault(dir));
    await expect(store.getSecrets(acme, ['--output=/etc/passwd'])).rejects.toThrow('The name "--output=/etc/passwd" cannot be passed to a secret_store command');
    expect(existsSync(join(dir, 'argv.log'))).toBe(false);
  });

  it('keeps sessions, callers and the lock in the sessions store', async () => {
    const home = join(dir, 'home');
    const env = { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };
    const vault = writeFakeVault(dir);
    const store = openSecretStore({ type: 'command', ...vault }, { home, env, configDir: dir });
    const session = { secrets: { oauth_access_token: 'at-1' }, savedAt: '2030-01-01T00:00:00.000Z' };
    await store.setSession(acme, session);
    expect(await new FileStore({ home, env }).getSession(acme)).toEqual(session);
    expect(await store.listConnections('acme')).toEqual(['default']);
    expect(store.withConnectionLock).toBeUndefined(); // the SessionManager's lock file beside home serves it
  });

  it('asks for the scheme\'s names, aliases and seeds when secrets are resolved', async () => {
    const vault = writeFakeVault(dir);
    const store = storeWith(vault);
    await store.setSecret(acme, 'key', 'k-value');
    const resolved = await resolveSecrets({
      connector: 'acme',
      scheme: { requiredSecrets: [{ name: 'api_key', aliases: ['key'] }], injectedSecrets: [{ name: 'oauth_refresh_token' }] },
      declared: [{ name: 'tenant', optional: true }],
      store,
      env: {},
    });
    expect(resolved.secrets).toEqual({ api_key: 'k-value' });
    expect(vaultLog().filter((call) => call[0] === 'get').map((call) => call[3])).toEqual(['api_key', 'key', 'tenant', 'oauth_refresh_token']);
  });
});

describe('parseCommandStoreConfig', () => {
  it.each([
    [{}, 'secret_store type command needs get as a list of strings'],
    [{ get: 'pass show {name}' }, 'secret_store type command needs get as a list of strings'],
    [{ get: ['pass', 'show', '{secret}'] }, 'secret_store.get has the placeholder {secret}; the placeholders are {connector}, {connection}, {name}.'],
    [{ get: ['pass'], timeout: 0 }, 'secret_store.timeout of type command must be a number of seconds'],
    [{ get: ['pass'], gett: ['x'] }, 'secret_store type command has no option "gett"'],
    [{ get: ['pass'], sessions: { type: 'command', get: ['x'] } }, 'secret_store.sessions cannot be another command store'],
    [{ get: [' '] }, 'secret_store.get of type command starts with an empty program name.'],
  ])('refuses %j with one sentence', (options, message) => {
    expect(() => parseCommandStoreConfig(options)).toThrow(message);
  });
});
