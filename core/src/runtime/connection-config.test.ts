import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTION_CONFIG_ENTRY } from '../config/connection-config.js';
import { SECRET_STORE } from '../container.js';
import { ConnectorsError, UsageError } from '../errors.js';
import { MemoryStore } from '../secrets/memory-store.js';
import { listConnectionConfig, setConnectionConfig, unsetConnectionConfig } from './connection-config.js';
import { listConnectionSecrets, setConnectionSecret } from './connection-secrets.js';
import { openConnectorTarget } from './open-connection.js';
import { openProject, type Project } from './open-project.js';

const manifest = `apiVersion: connectors/v1
name: jira
config:
  required: [subdomain]
  properties:
    subdomain: {type: string, minLength: 1}
    page_size: {type: integer, minimum: 1, default: 50}
    region: {type: string}
    beta: {type: boolean}
auth: {scheme: basic}
base_url: "https://{{ config.subdomain }}.example.com"
streams:
  - {name: issues, path: /issues}
`;

describe('per-connection config', () => {
  let home: string;
  let project: Project;
  let store: MemoryStore;
  const ref = { connector: 'jira', connection: 'default' };

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'connectors-config-'));
    writeFileSync(join(home, 'connector.yaml'), manifest);
    writeFileSync(join(home, 'connectors.config.yaml'), 'config:\n  jira:\n    region: eu\n    page_size: 20\n');
    project = await openProject({ env: { CONNECTORS_HOME: home }, cwd: home });
    store = new MemoryStore();
    project.container.register(SECRET_STORE, { useValue: store });
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const connector = () => join(home, 'connector.yaml');

  it('stores a coerced value as one reserved entry, and a run resolves it between --config and the project config', async () => {
    expect(await setConnectionConfig(project, { connector: connector(), key: 'subdomain', value: 'acme' })).toEqual({ key: 'subdomain', value: 'acme' });
    expect(await setConnectionConfig(project, { connector: connector(), key: 'page_size', value: '75' })).toEqual({ key: 'page_size', value: 75 });
    expect(await store.getSecrets(ref)).toEqual({ [CONNECTION_CONFIG_ENTRY]: JSON.stringify({ subdomain: 'acme', page_size: 75 }) });
    const target = await openConnectorTarget(project, { connector: connector() });
    expect(target.config).toEqual({ subdomain: 'acme', page_size: 75, region: 'eu' });
    const flagged = await openConnectorTarget(project, { connector: connector(), config: { page_size: '5' } });
    expect(flagged.config.page_size).toBe(5);
    const other = openConnectorTarget(project, { connector: connector(), connection: 'other' });
    await expect(other).rejects.toThrow(/`subdomain`/);
  });

  it('lists every declared key with the value in use and its source', async () => {
    await setConnectionConfig(project, { connector: connector(), key: 'subdomain', value: 'acme' });
    expect(await listConnectionConfig(project, { connector: connector() })).toEqual([
      { key: 'subdomain', value: 'acme', source: 'connection' },
      { key: 'page_size', value: 20, source: 'project' },
      { key: 'region', value: 'eu', source: 'project' },
      { key: 'beta', source: 'unset' },
    ]);
    await setConnectionConfig(project, { connector: connector(), key: 'beta', value: 'yes' });
    expect((await listConnectionConfig(project, { connector: connector() })).at(-1)).toEqual({ key: 'beta', value: true, source: 'connection' });
  });

  it('refuses an unknown key with a suggestion and a bad value, as usage errors', async () => {
    const set = (key: string, value: string) => setConnectionConfig(project, { connector: connector(), key, value });
    await expect(set('subdomian', 'x')).rejects.toThrow(UsageError);
    await expect(set('subdomian', 'x')).rejects.toThrow(/Unknown config key `subdomian` \(config set\) for jira; did you mean `subdomain`\?/);
    await expect(set('page_size', 'many')).rejects.toThrow(/config set page_size=many for jira: `page_size` must be a number/);
    await expect(set('page_size', '0')).rejects.toThrow(/`page_size` must be >= 1/);
    await expect(set('__proto__', 'x')).rejects.toThrow(UsageError);
    expect(await store.getSecrets(ref)).toEqual({});
  });

  it('unsets a value (the entry goes when empty), and unsetting one that is not stored is failed work', async () => {
    await setConnectionConfig(project, { connector: connector(), key: 'region', value: 'us' });
    await unsetConnectionConfig(project, { connector: connector(), key: 'region' });
    expect(await store.getSecrets(ref)).toEqual({});
    const missing = unsetConnectionConfig(project, { connector: connector(), key: 'region' });
    await expect(missing).rejects.toThrow(ConnectorsError);
    await expect(unsetConnectionConfig(project, { connector: connector(), key: 'region' })).rejects.toThrow(/No config value `region` is stored for jira \(default\)/);
  });

  it('keeps the entry out of secrets list and secrets set', async () => {
    await setConnectionConfig(project, { connector: connector(), key: 'subdomain', value: 'acme' });
    const names = (await listConnectionSecrets(project, { connector: connector() })).map((s) => s.name);
    expect(names).toEqual(['username', 'password']);
    await expect(setConnectionSecret(project, { connector: connector(), secret: CONNECTION_CONFIG_ENTRY, value: '{}' })).rejects.toThrow(/reserved/);
  });

  it('can unset a stored key the manifest no longer declares', async () => {
    await store.setSecret(ref, CONNECTION_CONFIG_ENTRY, JSON.stringify({ subdomain: 'acme', old: 1 }));
    await expect(openConnectorTarget(project, { connector: connector() })).rejects.toThrow(/Unknown config key `old` \(the connection's config; remove it with `connectors config unset jira old`\)/);
    await unsetConnectionConfig(project, { connector: connector(), key: 'old' });
    expect((await openConnectorTarget(project, { connector: connector() })).config.subdomain).toBe('acme');
  });
});
