import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { createRuntimeHttpClient } from '../http/client.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import { SingerWriter } from '../output/singer-writer.js';
import { syncStreams } from './sync.js';

const API = 'https://parent.test';
const http = createRuntimeHttpClient({ retry: { limit: 0 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

function manifest(projects: Partial<StreamDefinition>, tasks: Partial<StreamDefinition>): Manifest {
  return {
    apiVersion: 'connectors/v1',
    name: 'demo',
    auth: { scheme: 'none' },
    base_url: API,
    streams: [
      { name: 'projects', path: '/projects', ...projects },
      {
        name: 'tasks',
        path: '/projects/{{ parent.project_id }}/tasks',
        headers: { 'X-Project': '{{ parent.project_id }}' },
        parent: { stream: 'projects', fields: { project_id: 'id' } },
        ...tasks,
      },
    ],
  };
}

function singer(): { writer: SingerWriter; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { writer: new SingerWriter(out), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const records = (lines: Array<Record<string, unknown>>, stream: string): unknown[] =>
  lines.filter((l) => l.type === 'RECORD' && l.stream === stream).map((l) => l.record);

function api(): nock.Scope {
  return nock(API)
    .get('/projects')
    .twice()
    .reply(200, [{ id: 1 }, { id: 2 }])
    .get('/projects/1/tasks')
    .matchHeader('x-project', '1')
    .reply(200, [{ id: 'a' }, { id: 'b' }])
    .get('/projects/2/tasks')
    .matchHeader('x-project', '2')
    .reply(200, [{ id: 'c' }]);
}

describe('parent and child streams', () => {
  it('runs the child once per parent record, and outputs the parents too', async () => {
    const scope = api();
    const { writer, lines } = singer();
    const result = await syncStreams({ manifest: manifest({}, {}), http, templateValues: {}, writer });
    expect(records(lines(), 'projects')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(records(lines(), 'tasks')).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(result.streams.map((s) => [s.stream, s.records, s.pages])).toEqual([
      ['projects', 2, 1],
      ['tasks', 3, 2],
    ]);
    expect(scope.isDone()).toBe(true); // the parent is read once more, for the child
  });

  it('adds the include fields, hides output: false parents, and reads the parent for --stream child', async () => {
    nock(API).get('/projects').reply(200, [{ id: 1 }, { id: 2 }]).get('/projects/1/tasks').reply(200, [{ id: 'a' }]).get('/projects/2/tasks').reply(200, [{ id: 'c' }]);
    const { writer, lines } = singer();
    await syncStreams({ manifest: manifest({ output: false }, { parent: { stream: 'projects', fields: { project_id: 'id' }, include: ['project_id'] } }), http, templateValues: {}, writer });
    expect(lines().filter((l) => l.stream === 'projects')).toEqual([]);
    expect(records(lines(), 'tasks')).toEqual([
      { id: 'a', project_id: 1 },
      { id: 'c', project_id: 2 },
    ]);

    nock(API).get('/projects').reply(200, [{ id: 2 }]).get('/projects/2/tasks').reply(200, [{ id: 'c' }]);
    const second = singer();
    await syncStreams({ manifest: manifest({}, {}), streams: ['tasks'], http, templateValues: {}, writer: second.writer });
    expect(second.lines().filter((l) => l.stream === 'projects')).toEqual([]);
    expect(records(second.lines(), 'tasks')).toEqual([{ id: 'c' }]);
  });

  it('keeps the largest child cursor as the child stream state, given at the end', async () => {
    nock(API)
      .get('/projects')
      .reply(200, [{ id: 1 }, { id: 2 }])
      .get('/projects/1/tasks')
      .query({ since: '5' })
      .reply(200, [{ id: 'a', n: 9 }])
      .get('/projects/2/tasks')
      .query({ since: '5' })
      .reply(200, [{ id: 'c', n: 7 }]);
    const { writer, lines } = singer();
    const result = await syncStreams({
      manifest: manifest({ output: false }, { incremental: { param: 'since', cursor_field: 'n' } }),
      http,
      templateValues: {},
      state: { bookmarks: { tasks: { cursor: 5 } } },
      writer,
    });
    expect(result.state).toEqual({ bookmarks: { tasks: { cursor: 9 } } });
    expect(lines().filter((l) => l.type === 'STATE')).toHaveLength(1);
  });

  it('stops at --limit across parents', async () => {
    nock(API).get('/projects').reply(200, [{ id: 1 }, { id: 2 }]).get('/projects/1/tasks').reply(200, [{ id: 'a' }, { id: 'b' }]);
    const { writer, lines } = singer();
    await syncStreams({ manifest: manifest({ output: false }, {}), http, templateValues: {}, writer, limit: 2 });
    expect(records(lines(), 'tasks')).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('refuses a parent record without the field, naming it', async () => {
    nock(API).get('/projects').reply(200, [{ name: 'x' }]);
    const { writer } = singer();
    await expect(syncStreams({ manifest: manifest({ output: false }, {}), http, templateValues: {}, writer })).rejects.toThrow(
      new UsageError('Stream "tasks": record 1 of parent stream "projects" has no field "id" (parent.fields.project_id).'),
    );
  });
});
