/**
 * The `--to` of `connectors store copy`: parsing (a postgres URL or a folder), what messages show
 * of it (never the password), opening it (the key required for postgres, the password told to the
 * redactor), and refusing the project's own store.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorsError, SecretStoreError, UsageError } from '../errors.js';
import { FileStore } from '../secrets/file-store.js';
import { PostgresStore } from '../secrets/postgres/postgres-store.js';
import { FileStateStore } from '../streams/state.js';
import { SecretStoreStates } from '../streams/secret-store-states.js';
import { assertNotSourceStore, describeCopyTarget, openCopyTarget, parseCopyTarget, type CopyTarget } from './copy-target.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const PASSWORD = 'pw_copy_target_Zq81x';
const URL_WITH_PASSWORD = `postgres://app:${PASSWORD}@db.example:6543/appdb`;

describe('parseCopyTarget', () => {
  it('a postgres:// or postgresql:// URL with the schema (default connectors); anything else without a scheme is a folder', () => {
    expect(parseCopyTarget(URL_WITH_PASSWORD, undefined, '/work')).toEqual({ kind: 'postgres', url: URL_WITH_PASSWORD, schema: 'connectors' });
    expect(parseCopyTarget('postgresql://db.example/app', 'team_a', '/work')).toEqual({ kind: 'postgres', url: 'postgresql://db.example/app', schema: 'team_a' });
    expect(parseCopyTarget('backup', undefined, '/work')).toEqual({ kind: 'dir', dir: '/work/backup' });
    expect(parseCopyTarget('/srv/store/', undefined, '/work')).toEqual({ kind: 'dir', dir: '/srv/store' });
  });

  it('refuses another scheme, an empty value, control characters and a misplaced or bad --schema with one sentence, never echoing the URL', () => {
    const refusals: [string, string | undefined, string][] = [
      ['mysql://u:pw@h/db', undefined, '--to must be a postgres:// URL or a folder, not a mysql:// URL.'],
      ['  ', undefined, '--to must name a postgres:// URL or a folder.'],
      [`${URL_WITH_PASSWORD}\n`, undefined, '--to must not hold control characters.'],
      ['backup', 'team_a', '--schema applies only to a --to postgres:// URL, not to a folder.'],
      [URL_WITH_PASSWORD, 'bad-name', '--schema must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters.'],
    ];
    for (const [to, schema, message] of refusals) {
      expect(() => parseCopyTarget(to, schema, '/work')).toThrow(UsageError);
      expect(() => parseCopyTarget(to, schema, '/work')).toThrow(message);
    }
    expect(() => parseCopyTarget('postgres://[bad', undefined, '/work')).toThrow(SecretStoreError);
  });
});

describe('describeCopyTarget', () => {
  it('shows user, host, port, database and schema of a URL, never its password or query; a folder as a file store', () => {
    const shown = describeCopyTarget(parseCopyTarget(`${URL_WITH_PASSWORD}?sslmode=require&password=${PASSWORD}`, 'team_a', '/work'));
    expect(shown).toBe('schema team_a of postgres://app@db.example:6543/appdb');
    expect(describeCopyTarget({ kind: 'dir', dir: '/srv/store' })).toBe('the file store in /srv/store');
  });
});

describe('openCopyTarget', () => {
  it('a folder: a file store there, its states the state files under it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connectors-copy-target-'));
    folders.push(dir);
    const opened = openCopyTarget({ kind: 'dir', dir }, { env: {}, addSecret: () => undefined });
    expect(opened.store).toBeInstanceOf(FileStore);
    expect((opened.store as FileStore).path).toBe(join(dir, 'secrets.enc'));
    expect(opened.states).toBeInstanceOf(FileStateStore);
    expect((opened.states as FileStateStore).home).toBe(dir);
  });

  it('a postgres URL needs CONNECTORS_SECRET_KEY (the error of secret_store type postgres) and tells addSecret the password', async () => {
    const target = parseCopyTarget(`${URL_WITH_PASSWORD}?password=${PASSWORD}q`, undefined, '/work');
    const told: string[] = [];
    expect(() => openCopyTarget(target, { env: {}, addSecret: (value) => told.push(value) })).toThrow(
      'secret_store type postgres needs CONNECTORS_SECRET_KEY (32 bytes in base64, e.g. from "openssl rand -base64 32"): machines that share the database share no key file.',
    );
    const opened = openCopyTarget(target, { env: { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') }, addSecret: (value) => told.push(value) });
    expect(opened.store).toBeInstanceOf(PostgresStore);
    expect(opened.states).toBeInstanceOf(SecretStoreStates);
    expect(told).toContain(PASSWORD);
    expect(told).toContain(`${PASSWORD}q`);
    await opened.store.close?.(); // never connected: nothing to end
  });
});

describe('assertNotSourceStore', () => {
  const home = '/home/me/.connectors';
  const at = (target: CopyTarget, config: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}) => () =>
    assertNotSourceStore(target, { config: config as never, home, configDir: '/work', env });

  it('refuses the folder of the file store (the home, or secret_store.path), also through a symlink', () => {
    expect(at({ kind: 'dir', dir: home }, undefined)).toThrow(`--to ${home} is the project's own secret store; copy it to another folder or database.`);
    expect(at({ kind: 'dir', dir: home }, undefined)).toThrow(ConnectorsError);
    expect(at({ kind: 'dir', dir: '/work/store' }, { type: 'file', path: './store' })).toThrow(ConnectorsError);
    expect(at({ kind: 'dir', dir: home }, { type: 'file', path: './store' })).not.toThrow(); // the store is not there
    const real = mkdtempSync(join(tmpdir(), 'connectors-copy-own-'));
    folders.push(real);
    mkdirSync(join(real, 'store'));
    symlinkSync(join(real, 'store'), join(real, 'link'));
    expect(() => assertNotSourceStore({ kind: 'dir', dir: join(real, 'link') }, { config: undefined, home: join(real, 'store'), env: {} })).toThrow(ConnectorsError);
    expect(at({ kind: 'dir', dir: '/srv/elsewhere' }, undefined)).not.toThrow();
    expect(at({ kind: 'dir', dir: home }, { type: 'postgres', url: 'postgres://db/app' })).not.toThrow(); // moving down to a folder
  });

  it('refuses the same host, port, database and schema (the URL from the config or CONNECTORS_DATABASE_URL), whoever logs in', () => {
    const target = parseCopyTarget('postgres://other:pw2@DB.example:5432/app', undefined, '/work');
    expect(at(target, { type: 'postgres', url: 'postgres://app:pw@db.example/app' })).toThrow(
      "--to names the project's own secret store (schema connectors of postgres://other@DB.example:5432/app); copy it to another database or --schema.",
    );
    expect(at(target, { type: 'postgres' }, { CONNECTORS_DATABASE_URL: 'postgresql://db.example:5432/app' })).toThrow(ConnectorsError);
    expect(at(target, { type: 'postgres', url: 'postgres://db.example/app', schema: 'team_a' })).not.toThrow();
    expect(at(target, { type: 'postgres', url: 'postgres://db.example/other' })).not.toThrow();
    expect(at(target, { type: 'postgres', url: 'postgres://db.example:5433/app' })).not.toThrow();
    expect(at(target, undefined)).not.toThrow(); // the file store is not a database
  });
});
