import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { createRuntimeHttpClient } from '../http/client.js';
import type { Manifest } from '../manifest/types.js';
import { SingerWriter } from '../output/singer-writer.js';
import type { StateValue } from './state.js';
import { selectStreams, syncStreams, type SyncStreamsOptions } from './sync.js';

const API = 'https://sync.test';
const http = createRuntimeHttpClient({ retry: { limit: 0 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const manifest: Manifest = {
  apiVersion: 'connectors/v1',
  name: 'demo',
  auth: { scheme: 'none' },
  base_url: API,
  streams: [
    { name: 'users', path: '/users', primary_key: 'id', schema: { type: 'object', properties: { id: { type: 'integer' } } } },
    {
      name: 'events',
      path: '/events',
      primary_key: ['id'],
      pagination: { type: 'offset', page_size: 2 },
      incremental: { param: 'since', start: '0', cursor_field: 'n' },
    },
  ],
};

function singer(): { writer: SingerWriter; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    writer: new SingerWriter(out),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function run(options: Partial<SyncStreamsOptions> & Pick<SyncStreamsOptions, 'writer'>): ReturnType<typeof syncStreams> {
  return syncStreams({ manifest, http, templateValues: {}, ...options });
}

describe('selectStreams', () => {
  it('gives all streams, or the named ones, and refuses an unknown name', () => {
    expect(selectStreams(manifest).map((s) => s.name)).toEqual(['users', 'events']);
    expect(selectStreams(manifest, ['events']).map((s) => s.name)).toEqual(['events']);
    expect(() => selectStreams(manifest, ['nope'])).toThrow(new UsageError('Connector "demo" has no stream "nope"; its streams are: users, events.'));
  });
});

describe('syncStreams', () => {
  it('writes SCHEMA, RECORDs and STATE, keeps other bookmarks and saves at completion', async () => {
    nock(API).get('/users').reply(200, [{ id: 1 }]);
    nock(API).get('/events').query({ since: '3', offset: '0', limit: '2' }).reply(200, [{ id: 1, n: 4 }, { id: 2, n: 5 }]);
    nock(API).get('/events').query({ since: '3', offset: '2', limit: '2' }).reply(200, [{ id: 3, n: 6 }]);
    const saved: StateValue[] = [];
    const { writer, lines } = singer();
    const start = { bookmarks: { events: { cursor: 3 }, gone: { cursor: 'x' } } };
    const result = await run({ writer, state: start, saveState: async (v) => void saved.push(v), checkpointIntervalMs: 0 });
    const final = { bookmarks: { events: { cursor: 6 }, gone: { cursor: 'x' } } };
    expect(lines()).toEqual([
      { type: 'SCHEMA', stream: 'users', schema: { type: 'object', properties: { id: { type: 'integer' } } }, key_properties: ['id'] },
      { type: 'RECORD', stream: 'users', record: { id: 1 } },
      { type: 'SCHEMA', stream: 'events', schema: { type: 'object', additionalProperties: true }, key_properties: ['id'], bookmark_properties: ['n'] },
      { type: 'RECORD', stream: 'events', record: { id: 1, n: 4 } },
      { type: 'RECORD', stream: 'events', record: { id: 2, n: 5 } },
      { type: 'STATE', value: { bookmarks: { events: { cursor: 4 }, gone: { cursor: 'x' } } } },
      { type: 'RECORD', stream: 'events', record: { id: 3, n: 6 } },
      { type: 'STATE', value: final },
    ]);
    expect(saved).toEqual([{ bookmarks: { events: { cursor: 4 }, gone: { cursor: 'x' } } }, final]);
    expect(result.state).toEqual(final);
    expect(result.streams).toEqual([
      { stream: 'users', records: 1, pages: 1, outcome: 'completed' },
      { stream: 'events', records: 3, pages: 2, outcome: 'completed' },
    ]);
    expect(start.bookmarks.events.cursor).toBe(3);
  });

  it('does not save state on a --limit run', async () => {
    nock(API).get('/events').query(true).reply(200, [{ id: 1, n: 4 }, { id: 2, n: 5 }]);
    const saved: StateValue[] = [];
    const { writer } = singer();
    const result = await run({ writer, streams: ['events'], limit: 1, saveState: async (v) => void saved.push(v) });
    expect(saved).toEqual([]);
    expect(result.streams).toEqual([{ stream: 'events', records: 1, pages: 1, outcome: 'limited' }]);
  });

  it('on failure closes the writer and saves the state reached, then rethrows', async () => {
    nock(API).get('/events').query({ since: '0', offset: '0', limit: '2' }).reply(200, [{ id: 1, n: 1 }, { id: 2, n: 2 }]);
    nock(API).get('/events').query({ since: '0', offset: '2', limit: '2' }).reply(500);
    const saved: StateValue[] = [];
    let closedWith: StateValue | undefined;
    const { writer } = singer();
    writer.close = async (state?: StateValue) => {
      closedWith = state;
    };
    const failing = run({ writer, streams: ['events'], saveState: async (v) => void saved.push(v), checkpointIntervalMs: 60_000 });
    await expect(failing).rejects.toThrow(/Stream "events": GET https:\/\/sync.test\/events\?\S+ failed with status 500/);
    expect(closedWith).toEqual({ bookmarks: { events: { cursor: 1 } } });
    expect(saved).toEqual([{ bookmarks: { events: { cursor: 1 } } }]);
  });
});
