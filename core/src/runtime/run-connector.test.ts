import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOCK, SECRET_STORE } from '../container.js';
import { MemoryStore } from '../secrets/memory-store.js';
import { checkConnector } from './check-connector.js';
import { openProject, type Project } from './open-project.js';
import { runConnector } from './run-connector.js';

const catalog = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'catalog');
const env = { CONNECTORS_SECRET_ACME_CLIENT_ID: 'acme-client', CONNECTORS_SECRET_ACME_CLIENT_SECRET: 'acme-secret-value' };

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

describe('runConnector and checkConnector through the container', () => {
  let home: string;
  let project: Project;
  let store: MemoryStore;

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'connectors-runtime-'));
    project = await openProject({ catalog, env: { ...env, CONNECTORS_HOME: home }, cwd: home });
    store = new MemoryStore();
    project.container.register(SECRET_STORE, { useValue: store });
    project.container.register(CLOCK, { useValue: { now: () => new Date('2026-01-01T00:00:00Z') } });
  });

  afterEach(() => {
    nock.cleanAll();
    rmSync(home, { recursive: true, force: true });
  });

  it('authenticates once, pages through a stream, writes Singer lines and keeps the session in the swapped store', async () => {
    const api = nock('https://api.acme.test')
      .post('/token')
      .once()
      .reply(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 })
      .get('/widgets').query({ page: '1', per_page: '2' }).matchHeader('authorization', 'Bearer tok-1')
      .reply(200, { data: [{ id: 1 }, { id: 2 }] })
      .get('/widgets').query({ page: '2', per_page: '2' })
      .reply(200, { data: [{ id: 3 }] });
    const stdout = new PassThrough();
    const output = collect(stdout);
    const result = await runConnector(project, { connector: 'acme', stdout, quiet: true });

    expect(result.streams).toEqual([{ stream: 'widgets', records: 3, pages: 2, outcome: 'completed' }]);
    const lines = output().trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual(['SCHEMA', 'RECORD', 'RECORD', 'RECORD']);
    expect(api.isDone()).toBe(true);
    const session = await store.getSession({ connector: 'acme', connection: 'default' });
    expect(session?.secrets.oauth_access_token).toBe('tok-1');
    expect(session?.expiresAt).toBe('2026-01-01T01:00:00.000Z');
  });

  it('holds the session for the run: the store is read once, not once per request, until a 401 replaces it', async () => {
    const reads: string[] = [];
    const getSession = store.getSession.bind(store);
    store.getSession = async (ref) => {
      reads.push(ref.connector);
      return getSession(ref);
    };
    await store.setSession({ connector: 'acme', connection: 'default' }, {
      secrets: { oauth_access_token: 'stored-token' },
      expiresAt: '2026-01-01T02:00:00.000Z',
      issuedAt: '2026-01-01T00:00:00.000Z',
      savedAt: '2026-01-01T00:00:00.000Z',
    });
    const page = (n: number) => api.get('/widgets').query({ page: String(n), per_page: '2' });
    const api = nock('https://api.acme.test');
    page(1).matchHeader('authorization', 'Bearer stored-token').reply(200, { data: [{ id: 1 }, { id: 2 }] });
    page(2).matchHeader('authorization', 'Bearer stored-token').reply(200, { data: [{ id: 3 }, { id: 4 }] });
    page(3).matchHeader('authorization', 'Bearer stored-token').reply(401, {});
    api.post('/token').once().reply(200, { access_token: 'tok-2', token_type: 'Bearer', expires_in: 3600 });
    page(3).matchHeader('authorization', 'Bearer tok-2').reply(200, { data: [{ id: 5 }, { id: 6 }] });
    page(4).matchHeader('authorization', 'Bearer tok-2').reply(200, { data: [{ id: 7 }] });
    const result = await runConnector(project, { connector: 'acme', stdout: new PassThrough().resume(), quiet: true });
    expect(result.streams[0]).toMatchObject({ records: 7, pages: 4, outcome: 'completed' });
    expect(api.isDone()).toBe(true);
    // once at the start, then only by the renewal after the 401 (which re-reads under the lock);
    // reading per request made 8
    expect(reads.length).toBeLessThanOrEqual(4);
    expect(reads.length).toBeGreaterThan(0);
  });

  it('reuses the stored session for check and says what it called', async () => {
    await store.setSession({ connector: 'acme', connection: 'default' }, {
      secrets: { oauth_access_token: 'stored-token' },
      expiresAt: '2026-01-01T02:00:00.000Z',
      issuedAt: '2026-01-01T00:00:00.000Z',
      savedAt: '2026-01-01T00:00:00.000Z',
    });
    const api = nock('https://api.acme.test').get('/me').matchHeader('authorization', 'Bearer stored-token').reply(200, {});
    const result = await checkConnector(project, { connector: 'acme' });
    expect(api.isDone()).toBe(true);
    expect(result.status).toBe(200);
    expect(result.message).toMatch(/^acme \(default\): GET https:\/\/api\.acme\.test\/me answered 200 in \d+ ms\.$/);
  });

  it('refuses an unknown --stream or a missing --state file as usage errors before asking for secrets', async () => {
    const bare = await openProject({ catalog, env: { CONNECTORS_HOME: home }, cwd: home });
    bare.container.register(SECRET_STORE, { useValue: new MemoryStore() });
    await expect(runConnector(bare, { connector: 'acme', streams: ['gadgets'] })).rejects.toMatchObject({
      exitCode: 2,
      message: 'Connector "acme" has no stream "gadgets"; its streams are: widgets.',
    });
    await expect(runConnector(bare, { connector: 'acme', stateFile: join(home, 'missing.json') })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('names the missing secret and its environment variable', async () => {
    const bare = await openProject({ catalog, env: { CONNECTORS_HOME: home }, cwd: home });
    bare.container.register(SECRET_STORE, { useValue: new MemoryStore() });
    await expect(checkConnector(bare, { connector: 'acme' })).rejects.toThrow(/CONNECTORS_SECRET_ACME_CLIENT_ID/);
  });
});

describe('secret_store in connectors.config.yaml', () => {
  it('puts the file store and the connection locks in the folder it names', async () => {
    const { writeFileSync, existsSync } = await import('node:fs');
    const { FileStore } = await import('../secrets/file-store.js');
    const dir = mkdtempSync(join(tmpdir(), 'connectors-project-'));
    try {
      writeFileSync(join(dir, 'connectors.config.yaml'), `catalog: ${catalog}\nsecret_store: {type: file, path: ./vault}\n`);
      const project = await openProject({ cwd: dir, env: { CONNECTORS_HOME: join(dir, 'home') } });
      const store = project.container.resolve<InstanceType<typeof FileStore>>(SECRET_STORE);
      expect(store.path).toBe(join(dir, 'vault', 'secrets.enc'));
      await store.setSecret({ connector: 'acme', connection: 'default' }, 'client_id', 'x-client');
      expect(existsSync(join(dir, 'vault', 'secrets.enc'))).toBe(true);
      expect(existsSync(join(dir, 'home', 'secrets.enc'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a store type that is not built in, with one sentence', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'connectors-project-'));
    try {
      writeFileSync(join(dir, 'connectors.config.yaml'), 'secret_store: {type: vault}\n');
      await expect(openProject({ cwd: dir, env: {} })).rejects.toThrow(/secret_store type "vault" is neither built in nor provided by a loaded plugin; the known types are file, postgres and command\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
