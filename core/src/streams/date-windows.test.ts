import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeHttpClient } from '../http/client.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import { SingerWriter } from '../output/singer-writer.js';
import { addIsoDuration, parseIsoDuration, planDateWindows, readWindowedStream } from './date-windows.js';
import type { StreamEvent } from './runner.js';
import { syncStreams } from './sync.js';

const API = 'https://windows.test';
const http = createRuntimeHttpClient({ retry: { limit: 0 } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const utc = (text: string): Date => new Date(text.length === 10 ? `${text}T00:00:00Z` : text);

function manifestWith(stream: Partial<StreamDefinition>): Manifest {
  return {
    apiVersion: 'connectors/v1',
    name: 'demo',
    auth: { scheme: 'none' },
    base_url: API,
    streams: [{ name: 'invoices', path: '/invoice', records: 'values', ...stream }],
  };
}

async function collect(manifest: Manifest, options: { cursor?: string; limit?: number; fullRefresh?: boolean; now?: () => Date } = {}): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const stream = manifest.streams[0]!;
  for await (const event of readWindowedStream({ manifest, stream, http, templateValues: { config: { from: '2025-01-01' } }, ...options })) events.push(event);
  return events;
}

describe('ISO-8601 durations', () => {
  it('parses days, weeks, months, years and times, and refuses the rest', () => {
    expect(parseIsoDuration('P30D')).toEqual({ years: 0, months: 0, days: 30, ms: 0 });
    expect(parseIsoDuration('P2W')).toEqual({ years: 0, months: 0, days: 14, ms: 0 });
    expect(parseIsoDuration('P1Y2M3DT4H5M6S')).toEqual({ years: 1, months: 2, days: 3, ms: ((4 * 60 + 5) * 60 + 6) * 1000 });
    expect(parseIsoDuration('PT1.5S')?.ms).toBe(1500);
    for (const bad of ['30D', 'P', 'PT', 'P0D', 'P1DT', 'p30d', 'P-1D', '30 days', '']) expect(parseIsoDuration(bad), bad).toBeUndefined();
  });

  it('adds months keeping to the last day of a shorter month', () => {
    expect(addIsoDuration(utc('2025-01-31'), parseIsoDuration('P1M')!).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addIsoDuration(utc('2024-02-29'), parseIsoDuration('P1Y')!).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addIsoDuration(utc('2025-01-01T22:00:00Z'), parseIsoDuration('PT3H')!).toISOString()).toBe('2025-01-02T01:00:00.000Z');
  });
});

describe('planDateWindows', () => {
  it('gives half-open contiguous windows, the last one cut at the end', () => {
    expect(planDateWindows(utc('2025-01-01'), utc('2025-03-15'), parseIsoDuration('P30D')!, 'date')).toEqual([
      { start: '2025-01-01', end: '2025-01-31' },
      { start: '2025-01-31', end: '2025-03-02' },
      { start: '2025-03-02', end: '2025-03-15' },
    ]);
    expect(planDateWindows(utc('2025-01-01T00:00:00Z'), utc('2025-01-01T05:00:00Z'), parseIsoDuration('PT2H')!, 'date-time')).toEqual([
      { start: '2025-01-01T00:00:00Z', end: '2025-01-01T02:00:00Z' },
      { start: '2025-01-01T02:00:00Z', end: '2025-01-01T04:00:00Z' },
      { start: '2025-01-01T04:00:00Z', end: '2025-01-01T05:00:00Z' },
    ]);
  });

  it('gives no window when start equals end, and whole days with format date', () => {
    expect(planDateWindows(utc('2025-01-01'), utc('2025-01-01'), parseIsoDuration('P1D')!, 'date')).toEqual([]);
    expect(planDateWindows(utc('2025-01-01'), utc('2025-01-03'), parseIsoDuration('PT6H')!, 'date')).toEqual([
      { start: '2025-01-01', end: '2025-01-02' },
      { start: '2025-01-02', end: '2025-01-03' },
    ]);
  });
});

describe('readWindowedStream', () => {
  const partition = { type: 'date_range' as const, start: '{{ config.from }}', end: '2025-03-01', step: 'P1M', start_param: 'dateFrom', end_param: 'dateTo' };

  it('reads every window with its bounds, pages in order, state after each completed window', async () => {
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-02-01', from: '0', count: '2' }).reply(200, { values: [{ id: 1 }, { id: 2 }] });
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-02-01', from: '2', count: '2' }).reply(200, { values: [{ id: 3 }] });
    nock(API).get('/invoice').query({ dateFrom: '2025-02-01', dateTo: '2025-03-01', from: '0', count: '2' }).reply(200, { values: [{ id: 4 }] });
    const manifest = manifestWith({ partition, incremental: {}, pagination: { type: 'offset', offset_param: 'from', limit_param: 'count', page_size: 2 } });
    const events = await collect(manifest);
    expect(events.filter((e) => e.type === 'records').flatMap((e) => (e.type === 'records' ? e.records : []))).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(events.filter((e) => e.type === 'page').map((e) => (e.type === 'page' ? [e.number, e.total] : []))).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(events.filter((e) => e.type === 'state')).toEqual([
      { type: 'state', stream: 'invoices', cursor: '2025-02-01', final: false },
      { type: 'state', stream: 'invoices', cursor: '2025-03-01', final: true },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('starts at the saved cursor, and at start again with a full refresh', async () => {
    nock(API).get('/invoice').query({ dateFrom: '2025-02-01', dateTo: '2025-03-01' }).reply(200, { values: [{ id: 4 }] });
    const manifest = manifestWith({ partition, incremental: {} });
    const events = await collect(manifest, { cursor: '2025-02-01' });
    expect(events.filter((e) => e.type === 'state')).toEqual([{ type: 'state', stream: 'invoices', cursor: '2025-03-01', final: true }]);
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-02-01' }).reply(200, { values: [] });
    nock(API).get('/invoice').query({ dateFrom: '2025-02-01', dateTo: '2025-03-01' }).reply(200, { values: [] });
    await collect(manifest, { cursor: '2025-02-01', fullRefresh: true });
    expect(nock.isDone()).toBe(true);
  });

  it('ends at now by default, and saves no state without incremental', async () => {
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-01-11' }).reply(200, { values: [{ id: 1 }] });
    const manifest = manifestWith({ partition: { type: 'date_range', start: '2025-01-01', step: 'P30D' } });
    const events = await collect(manifest, { now: () => utc('2025-01-11T13:00:00Z') });
    expect(events.filter((e) => e.type === 'state')).toEqual([]);
    expect(nock.isDone()).toBe(true);
    // A template that renders `now` means now too.
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-01-11' }).reply(200, { values: [] });
    const templated = manifestWith({ partition: { type: 'date_range', start: '2025-01-01', end: '{{ config.to || "now" }}', step: 'P30D' } });
    await collect(templated, { now: () => utc('2025-01-11T13:00:00Z') });
    expect(nock.isDone()).toBe(true);
  });

  it('sends date-time bounds with format date-time', async () => {
    nock(API).get('/invoice').query({ from: '2025-01-01T00:00:00Z', to: '2025-01-01T12:00:00Z' }).reply(200, { values: [] });
    nock(API).get('/invoice').query({ from: '2025-01-01T12:00:00Z', to: '2025-01-02T00:00:00Z' }).reply(200, { values: [] });
    const manifest = manifestWith({
      partition: { type: 'date_range', start: '2025-01-01', end: '2025-01-02', step: 'PT12H', start_param: 'from', end_param: 'to', format: 'date-time' },
      incremental: {},
    });
    const events = await collect(manifest);
    expect(events.at(-1)).toEqual({ type: 'state', stream: 'invoices', cursor: '2025-01-02T00:00:00Z', final: true });
  });

  it('stops with --limit and saves no window as complete that was cut', async () => {
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-02-01' }).reply(200, { values: [{ id: 1 }, { id: 2 }] });
    const manifest = manifestWith({ partition, incremental: {} });
    const events = await collect(manifest, { limit: 1 });
    expect(events.filter((e) => e.type === 'records')).toEqual([{ type: 'records', stream: 'invoices', records: [{ id: 1 }] }]);
    expect(events.filter((e) => e.type === 'state')).toEqual([]);
  });

  it('names the window the API refuses', async () => {
    nock(API).get('/invoice').query(true).reply(200, { values: [] });
    nock(API).get('/invoice').query({ dateFrom: '2025-02-01', dateTo: '2025-03-01' }).reply(422, { message: 'window too large' });
    const manifest = manifestWith({ partition, incremental: {} });
    const events: StreamEvent[] = [];
    await expect(async () => {
      for await (const event of readWindowedStream({ manifest, stream: manifest.streams[0]!, http, templateValues: { config: { from: '2025-01-01' } } })) events.push(event);
    }).rejects.toThrow(/^Stream "invoices", window \[2025-02-01, 2025-03-01\): .*422/);
    expect(events.filter((e) => e.type === 'state')).toEqual([{ type: 'state', stream: 'invoices', cursor: '2025-02-01', final: false }]);
  });

  it('refuses a start after the end, a bad step and a bound that is not a date, in one sentence', async () => {
    await expect(collect(manifestWith({ partition: { ...partition, start: '2025-04-01' } }))).rejects.toThrow(
      'Stream "invoices": the date windows start at 2025-04-01, after their end 2025-03-01.',
    );
    await expect(collect(manifestWith({ partition: { ...partition, step: '30 days' } }))).rejects.toThrow(
      'Stream "invoices": partition.step "30 days" is not an ISO-8601 duration such as P30D.',
    );
    await expect(collect(manifestWith({ partition: { ...partition, start: 'yesterday' } }))).rejects.toThrow(
      'Stream "invoices": partition.start "yesterday" is not a date (YYYY-MM-DD) or an ISO-8601 date-time.',
    );
  });
});

describe('syncStreams with date windows', () => {
  it('writes STATE after each completed window, and keeps it when a later window fails', async () => {
    nock(API).get('/invoice').query({ dateFrom: '2025-01-01', dateTo: '2025-02-01' }).reply(200, { values: [{ id: 1 }] });
    nock(API).get('/invoice').query({ dateFrom: '2025-02-01', dateTo: '2025-03-01' }).reply(500, 'down');
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const saved: unknown[] = [];
    const manifest = manifestWith({ partition: { type: 'date_range', start: '2025-01-01', end: '2025-03-01', step: 'P1M' }, incremental: {} });
    await expect(
      syncStreams({ manifest, http, templateValues: {}, writer: new SingerWriter(out), checkpointIntervalMs: 0, saveState: async (v) => void saved.push(v) }),
    ).rejects.toThrow(/window \[2025-02-01, 2025-03-01\)/);
    const states = chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; value?: unknown }).filter((m) => m.type === 'STATE');
    expect(states.at(-1)?.value).toEqual({ bookmarks: { invoices: { cursor: '2025-02-01' } } });
    expect(saved.at(-1)).toEqual({ bookmarks: { invoices: { cursor: '2025-02-01' } } });
  });
});
