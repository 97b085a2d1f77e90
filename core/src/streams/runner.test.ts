import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, TemplateError } from '../errors.js';
import { createRuntimeHttpClient } from '../http/client.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import { readStream, type ReadStreamOptions, type StreamEvent } from './runner.js';

const API = 'https://api.test';
const http = createRuntimeHttpClient({ retry: { limit: 0 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function manifestWith(stream: StreamDefinition, extra: Partial<Manifest> = {}): Manifest {
  return { apiVersion: 'connectors/v1', name: 'demo', auth: { scheme: 'none' }, base_url: `${API}/v2/`, streams: [stream], ...extra };
}

async function collect(options: Partial<ReadStreamOptions> & { stream: StreamDefinition }): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const manifest = options.manifest ?? manifestWith(options.stream);
  for await (const event of readStream({ http, templateValues: {}, ...options, manifest })) events.push(event);
  return events;
}

const ids = (from: number, n: number): Array<{ id: number }> => Array.from({ length: n }, (_, i) => ({ id: from + i }));
const recordsOf = (events: StreamEvent[]): unknown[] => events.flatMap((e) => (e.type === 'records' ? e.records : []));
const statesOf = (events: StreamEvent[]): unknown[] => events.filter((e) => e.type === 'state');

describe('readStream: requests', () => {
  it('joins base_url and path, renders params and headers (manifest, then stream)', async () => {
    nock(API, { reqheaders: { accept: 'application/json', 'x-tenant': 'acme', 'x-both': 'stream' } })
      .get('/v2/customer')
      .query({ fields: 'id,name', tenant: 'acme' })
      .reply(200, { values: [{ id: 1 }] });
    const stream: StreamDefinition = {
      name: 'customers',
      path: '/customer',
      records: 'values',
      params: { fields: 'id,name', tenant: '{{ config.tenant }}', skip: null },
      headers: { 'X-Tenant': '{{ config.tenant }}', 'X-Both': 'stream' },
    };
    const manifest = manifestWith(stream, { headers: { Accept: 'application/json', 'x-both': 'manifest' } });
    const events = await collect({ stream, manifest, templateValues: { config: { tenant: 'acme' } } });
    expect(events).toEqual([
      { type: 'records', stream: 'customers', records: [{ id: 1 }] },
      { type: 'page', stream: 'customers', number: 1, records: 1, total: 1 },
    ]);
  });

  it('uses an absolute url and POSTs a JSON body with page values', async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post('/search', (body) => bodies.push(body) > 0)
      .times(2)
      .reply((_uri, body) => {
        const { paging } = body as { paging: { offset: number } };
        return [200, { results: paging.offset === 0 ? ids(0, 2) : ids(2, 1) }];
      });
    const stream: StreamDefinition = {
      name: 'search',
      url: `${API}/search`,
      method: 'POST',
      records: 'results',
      body: { paging: { offset: '{{ page.offset }}', limit: '{{ page.limit }}' }, filter: '{{ config.kind }}' },
      pagination: { type: 'offset', page_size: 2 },
    };
    const events = await collect({ stream, templateValues: { config: { kind: 'company' } } });
    expect(recordsOf(events)).toEqual(ids(0, 3));
    expect(bodies).toEqual([
      { paging: { offset: 0, limit: 2 }, filter: 'company' },
      { paging: { offset: 2, limit: 2 }, filter: 'company' },
    ]);
  });

  it('names the stream when a request fails', async () => {
    nock(API).get('/v2/x').reply(500, 'oops');
    const error = await collect({ stream: { name: 'xs', path: '/x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 500, message: 'Stream "xs": GET https://api.test/v2/x failed with status 500: oops.' });
  });

  it('names the stream when the body is not JSON or holds no records array', async () => {
    nock(API).get('/v2/x').reply(200, '<html>');
    await expect(collect({ stream: { name: 'xs', path: '/x' } })).rejects.toThrow(/^Stream "xs": .*not JSON/);
    nock(API).get('/v2/x').query(true).reply(200, { data: 'nope' });
    await expect(collect({ stream: { name: 'xs', path: '/x', records: 'data', params: { key: 's3cret' } } })).rejects.toThrow(
      'Stream "xs": the response from https://api.test/v2/x holds a string at "data", not an array of records.',
    );
  });

  it('says which template lacks a value', async () => {
    await expect(collect({ stream: { name: 'xs', path: '/x', params: { a: '{{ config.missing }}' } } })).rejects.toThrow(TemplateError);
  });
});

describe('readStream: pagination end to end', () => {
  it('offset: pages until a short page', async () => {
    nock(API).get('/v2/items').query({ offset: '0', limit: '2' }).reply(200, ids(0, 2));
    nock(API).get('/v2/items').query({ offset: '2', limit: '2' }).reply(200, ids(2, 1));
    const events = await collect({ stream: { name: 'items', path: '/items', pagination: { type: 'offset', page_size: 2 } } });
    expect(recordsOf(events)).toEqual(ids(0, 3));
    expect(events.filter((e) => e.type === 'page').map((e) => e.type === 'page' && e.total)).toEqual([2, 3]);
  });

  it('page: stops on an empty page', async () => {
    nock(API).get('/v2/items').query({ page: '1' }).reply(200, ids(0, 2));
    nock(API).get('/v2/items').query({ page: '2' }).reply(200, []);
    const events = await collect({ stream: { name: 'items', path: '/items', pagination: { type: 'page' } } });
    expect(recordsOf(events)).toEqual(ids(0, 2));
  });

  it('cursor: sends the cursor and keeps the stream params', async () => {
    nock(API).get('/v2/items').query({ q: 'x' }).reply(200, { data: ids(0, 1), next: 'c1' });
    nock(API).get('/v2/items').query({ q: 'x', cursor: 'c1' }).reply(200, { data: ids(1, 1), next: '' });
    const events = await collect({
      stream: { name: 'items', path: '/items', params: { q: 'x' }, records: 'data', pagination: { type: 'cursor', cursor_path: 'next' } },
    });
    expect(recordsOf(events)).toEqual(ids(0, 2));
  });

  it('link: follows the Link header as given, adding only a missing page size', async () => {
    nock(API).get('/v2/items').query({ q: 'x', per_page: '1' }).reply(200, ids(0, 1), { Link: '</v2/items?page=2&q=x>; rel="next"' });
    nock(API).get('/v2/items').query({ page: '2', q: 'x', per_page: '1' }).reply(200, ids(1, 1));
    const events = await collect({
      stream: { name: 'items', path: '/items', params: { q: 'x' }, pagination: { type: 'link', limit_param: 'per_page', page_size: 1 } },
    });
    expect(recordsOf(events)).toEqual(ids(0, 2));
  });

  it('next_url: follows the body URL and refuses a loop', async () => {
    nock(API).get('/v2/items').reply(200, { value: ids(0, 1), 'odata.nextLink': `${API}/v2/items?skip=1` });
    nock(API).get('/v2/items').query({ skip: '1' }).reply(200, { value: ids(1, 1), 'odata.nextLink': `${API}/v2/items?skip=1` });
    const stream: StreamDefinition = { name: 'items', path: '/items', records: 'value', pagination: { type: 'next_url', next_url_path: '["odata.nextLink"]' } };
    await expect(collect({ stream })).rejects.toThrow(/pagination would never end/);
  });
});

describe('readStream: limit', () => {
  it('stops fetching once N records are out', async () => {
    nock(API).get('/v2/items').query({ offset: '0', limit: '2' }).reply(200, ids(0, 2));
    nock(API).get('/v2/items').query({ offset: '2', limit: '2' }).reply(200, ids(2, 2));
    const events = await collect({ stream: { name: 'items', path: '/items', pagination: { type: 'offset', page_size: 2 } }, limit: 3 });
    expect(recordsOf(events)).toEqual(ids(0, 3));
  });

  it('fetches nothing with a limit of 0', async () => {
    expect(await collect({ stream: { name: 'items', path: '/items' }, limit: 0 })).toEqual([]);
  });
});

describe('readStream: incremental', () => {
  const now = (): Date => new Date('2024-06-01T12:00:00.000Z');

  it('sends start on a first run and saves the largest cursor value at completion', async () => {
    nock(API).get('/v2/items').query({ since: '2020-01-01', offset: '0', limit: '2' }).reply(200, [{ t: '2024-01-01' }, { t: '2024-01-03' }]);
    nock(API).get('/v2/items').query({ since: '2020-01-01', offset: '2', limit: '2' }).reply(200, [{ t: '2024-01-02' }]);
    const stream: StreamDefinition = {
      name: 'items',
      path: '/items',
      pagination: { type: 'offset', page_size: 2 },
      incremental: { param: 'since', start: '{{ config.start }}', cursor_field: 't' },
    };
    const events = await collect({ stream, templateValues: { config: { start: '2020-01-01' } }, now });
    expect(statesOf(events)).toEqual([
      { type: 'state', stream: 'items', cursor: '2024-01-01', final: false },
      { type: 'state', stream: 'items', cursor: '2024-01-03', final: true },
    ]);
  });

  it('sends the saved cursor, exposes it as state.cursor, and ignores it with fullRefresh', async () => {
    const stream: StreamDefinition = {
      name: 'items',
      path: '/items',
      params: { after: '{{ state.cursor | default("none") }}' },
      incremental: { param: 'since', start: '2020-01-01', cursor_field: 't' },
    };
    nock(API).get('/v2/items').query({ since: '2024-02-01', after: '2024-02-01' }).reply(200, []);
    const resumed = await collect({ stream, cursor: '2024-02-01', now });
    expect(statesOf(resumed)).toEqual([{ type: 'state', stream: 'items', cursor: '2024-02-01', final: true }]);

    nock(API).get('/v2/items').query({ since: '2020-01-01', after: 'none' }).reply(200, [{ t: '2023-01-01' }]);
    const full = await collect({ stream, cursor: '2024-02-01', fullRefresh: true, now });
    expect(statesOf(full)).toEqual([{ type: 'state', stream: 'items', cursor: '2023-01-01', final: true }]);
  });

  it('without cursor_field saves the run start time, only at completion', async () => {
    nock(API).get('/v2/items').query({ changedSince: '2020-01-01', page: '1' }).reply(200, ids(0, 2));
    nock(API).get('/v2/items').query({ changedSince: '2020-01-01', page: '2' }).reply(200, []);
    const stream: StreamDefinition = {
      name: 'items',
      path: '/items',
      pagination: { type: 'page' },
      incremental: { param: 'changedSince', start: '2020-01-01', format: 'date' },
    };
    const events = await collect({ stream, now });
    expect(statesOf(events)).toEqual([{ type: 'state', stream: 'items', cursor: '2024-06-01', final: true }]);
  });

  it('saves no run-start state when --limit cut the stream short', async () => {
    nock(API).get('/v2/items').reply(200, ids(0, 3));
    const stream: StreamDefinition = { name: 'items', path: '/items', incremental: { param: 'since' } };
    const events = await collect({ stream, now, limit: 2 });
    expect(statesOf(events)).toEqual([]);
    expect(recordsOf(events)).toHaveLength(2);
  });
});

describe('readStream: signal', () => {
  it('stops before the next request once aborted', async () => {
    nock(API).get('/v2/items').query({ page: '1' }).reply(200, ids(0, 2));
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const stream: StreamDefinition = { name: 'items', path: '/items', pagination: { type: 'page' } };
    const run = async (): Promise<void> => {
      for await (const event of readStream({ manifest: manifestWith(stream), stream, http, templateValues: {}, signal: controller.signal })) {
        events.push(event);
        controller.abort(new Error('stopped'));
      }
    };
    await expect(run()).rejects.toThrow('stopped');
    expect(recordsOf(events)).toEqual(ids(0, 2));
  });
});
