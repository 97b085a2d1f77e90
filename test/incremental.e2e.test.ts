// Incremental runs across processes: the state saved under CONNECTORS_HOME per connector and
// connection, the saved cursor sent in `param` on the next run, `--state FILE` (three forms)
// beating the saved state, `--full-refresh`, the run-start state of a stream without
// `cursor_field` (`format: date`), and separate states per connection.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLines } from './helpers/cli.js';
import { freshHome, requestsTo, runManifest, startPagedServer, type PagedServer } from './helpers/run-fixtures.js';

const records = (stdout: string, stream: string): number[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'RECORD' && line.stream === stream)
    .map((line) => (line.record as { id: number }).id);
const stateLines = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('{"type":"STATE"'));
const sinceSent = (server: PagedServer, path: string): Array<string | undefined> => requestsTo(server, path).map((r) => r.query.since);
const today = (): string => new Date().toISOString().slice(0, 10);

/** Every state file under CONNECTORS_HOME that mentions the connector, with its content. */
function savedStates(home: string): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${rel}${entry.name}/`);
      else if (entry.name.endsWith('.json') && `${rel}`.includes('incr')) found[`${rel}${entry.name}`] = JSON.parse(readFileSync(path, 'utf8'));
    }
  };
  walk(home, '');
  return found;
}

describe('connectors run: incremental state', () => {
  it('saves the state per connector and connection and continues from it in the next process', async () => {
    const server = await startPagedServer({ total: 25 });
    const home = freshHome();

    const first = await runManifest('incremental', server, ['--stream', 'events'], { home });
    expect(first.code).toBe(0);
    expect(records(first.stdout, 'events')).toHaveLength(25);
    expect(sinceSent(server, '/offset')).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z']);
    // The last STATE line is the stream's final state: the largest updated_at seen.
    const last = stateLines(first.stdout).at(-1);
    expect(last).toBe('{"type":"STATE","value":{"bookmarks":{"events":{"cursor":"2024-01-01T00:25:00Z"}}}}');
    expect(Object.values(savedStates(home))).toEqual([{ bookmarks: { events: { cursor: '2024-01-01T00:25:00Z' } } }]);

    server.state.total = 32; // seven new records
    server.state.requests.length = 0;
    const second = await runManifest('incremental', server, ['--stream', 'events'], { home });
    expect(second.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:25:00Z');
    expect(records(second.stdout, 'events')).toEqual([26, 27, 28, 29, 30, 31, 32]);
    expect(stateLines(second.stdout).at(-1)).toBe('{"type":"STATE","value":{"bookmarks":{"events":{"cursor":"2024-01-01T00:32:00Z"}}}}');

    // Another connection of the same connector has its own (empty) state, and saves it apart.
    server.state.requests.length = 0;
    const other = await runManifest('incremental', server, ['--stream', 'events', '--connection', 'other'], { home });
    expect(other.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:00:00Z');
    expect(records(other.stdout, 'events')).toHaveLength(32);
    const states = savedStates(home);
    expect(Object.keys(states)).toHaveLength(2);
    expect(Object.values(states)).toEqual(
      expect.arrayContaining([{ bookmarks: { events: { cursor: '2024-01-01T00:32:00Z' } } }]),
    );
  });

  it('takes --state FILE over the saved state in all three forms, and --full-refresh ignores the state', async () => {
    const server = await startPagedServer({ total: 30 });
    const home = freshHome();
    expect((await runManifest('incremental', server, ['--stream', 'events'], { home })).code).toBe(0); // saves 00:30

    const dir = mkdtempSync(join(tmpdir(), 'connectors-state-'));
    const valueFile = join(dir, 'value.json');
    writeFileSync(valueFile, JSON.stringify({ bookmarks: { events: { cursor: '2024-01-01T00:27:00Z' } } }));
    const lineFile = join(dir, 'line.json');
    writeFileSync(lineFile, `${JSON.stringify({ type: 'STATE', value: { bookmarks: { events: { cursor: '2024-01-01T00:24:00Z' } } } })}\n`);

    server.state.requests.length = 0;
    const fromValue = await runManifest('incremental', server, ['--stream', 'events', '--state', valueFile], { home });
    expect(fromValue.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:27:00Z');
    expect(records(fromValue.stdout, 'events')).toEqual([28, 29, 30]);

    server.state.requests.length = 0;
    const fromLine = await runManifest('incremental', server, ['--stream', 'events', '--state', lineFile], { home });
    expect(fromLine.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:24:00Z');
    expect(records(fromLine.stdout, 'events')).toEqual([25, 26, 27, 28, 29, 30]);

    // The state.json that --output wrote, from a run in another home at total 26.
    server.state.total = 26;
    const out = join(dir, 'out');
    expect((await runManifest('incremental', server, ['--stream', 'events', '--output', out], { home: freshHome() })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'))).toEqual({ bookmarks: { events: { cursor: '2024-01-01T00:26:00Z' } } });
    server.state.total = 30;
    server.state.requests.length = 0;
    const fromOutput = await runManifest('incremental', server, ['--stream', 'events', '--state', join(out, 'state.json')], { home });
    expect(fromOutput.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:26:00Z');
    expect(records(fromOutput.stdout, 'events')).toEqual([27, 28, 29, 30]);

    server.state.requests.length = 0;
    const full = await runManifest('incremental', server, ['--stream', 'events', '--full-refresh'], { home });
    expect(full.code).toBe(0);
    expect(sinceSent(server, '/offset')[0]).toBe('2024-01-01T00:00:00Z');
    expect(records(full.stdout, 'events')).toHaveLength(30);
  });

  it('saves the run start as YYYY-MM-DD for a stream without cursor_field and sends it next time', async () => {
    const server = await startPagedServer({ total: 12 });
    const home = freshHome();
    const dayBefore = today();
    const first = await runManifest('incremental', server, ['--stream', 'daily'], { home });
    expect(first.code).toBe(0);
    expect(sinceSent(server, '/page')).toEqual(['2024-01-01', '2024-01-01']);
    expect(records(first.stdout, 'daily')).toHaveLength(12);
    const cursor = (parseLines(stateLines(first.stdout).at(-1)!)[0]!.value as { bookmarks: { daily: { cursor: string } } }).bookmarks.daily.cursor;
    expect(cursor).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([dayBefore, today()]).toContain(cursor);
    expect(stateLines(first.stdout)).toHaveLength(1); // no checkpoints without a cursor field: only the final state

    server.state.requests.length = 0;
    const second = await runManifest('incremental', server, ['--stream', 'daily'], { home });
    expect(second.code).toBe(0);
    expect(sinceSent(server, '/page')[0]).toBe(cursor);
  });
});
