import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DestinationError } from '../errors.js';
import type { Logger } from '../plugin-api.js';
import type { StateStore, StateValue } from '../streams/state.js';
import { CommandDestination, targetEnvironment } from './command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'command-destination-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Singer target in a few lines: copies stdin to a file, says so on stderr, exits with `code`. */
const RECORDER = `
const { createWriteStream } = require('node:fs');
const out = createWriteStream(process.argv[1]);
process.stdin.pipe(out);
out.on('finish', () => { process.stderr.write('stored the secret-value-1234 lines\\n'); process.exit(Number(process.argv[2] ?? 0)); });
`;

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => undefined, info: (line) => lines.push(line), warn: (line) => lines.push(`Warning: ${line}`) };
}

function states(): StateStore & { saved: StateValue[] } {
  const saved: StateValue[] = [];
  return { saved, load: () => Promise.resolve(undefined), save: (_c, _n, value) => Promise.resolve(void saved.push(value)) };
}

const options = (argv: string[], log: Logger, store?: StateStore) => ({
  argv,
  cwd: dir,
  env: { PATH: process.env.PATH, CONNECTORS_SECRET_ACME_API_KEY: 'k', CONNECTORS_SECRET_KEY: 'x', CONNECTORS_DATABASE_URL: 'postgres://a:b@h/d', KEEP: '1' },
  connector: 'acme',
  connection: 'default',
  states: store,
  log,
  redact: (text: string) => text.replaceAll('secret-value-1234', '***'),
});

describe('CommandDestination (issue 13)', () => {
  it('sends the Singer lines to the target, logs its stderr redacted, and saves the state once it exits 0', async () => {
    const log = logger();
    const store = states();
    const out = join(dir, 'lines.jsonl');
    const target = await CommandDestination.start(options([process.execPath, '-e', RECORDER, out], log, store));
    await target.startStream({ name: 'items', schema: { type: 'object' }, keyProperties: ['id'] });
    await target.writeRecords('items', [{ id: 1 }, { id: 2 }]);
    const state = { bookmarks: { items: { cursor: 2 } } };
    await target.writeState(state);
    await target.saveState(state);
    expect(store.saved).toEqual([]); // not before the target is done
    await target.endStream('items');
    await target.close(state);
    expect((await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line).type)).toEqual(['SCHEMA', 'RECORD', 'RECORD', 'STATE']);
    expect(store.saved).toEqual([state]);
    expect(log.lines).toEqual([`${process.execPath}: stored the *** lines`]);
  });

  it('fails with the exit status and saves no state when the target exits non-zero', async () => {
    const store = states();
    const target = await CommandDestination.start(options([process.execPath, '-e', RECORDER, join(dir, 'x'), '4'], logger(), store));
    await target.startStream({ name: 'items', schema: {}, keyProperties: [] });
    await expect(target.close({ bookmarks: {} })).rejects.toThrow(`The Singer target ${process.execPath} failed (exit status 4); its output is above.`);
    expect(store.saved).toEqual([]);
  });

  it('says so when the target exits before the run ended', async () => {
    const log = logger();
    const target = await CommandDestination.start(options([process.execPath, '-e', "process.stderr.write('no thanks\\n'); process.exit(3)"], log));
    const big = Array.from({ length: 5000 }, (_, id) => ({ id, pad: 'x'.repeat(200) }));
    await target.startStream({ name: 'items', schema: {}, keyProperties: [] }).catch(() => undefined);
    let error: unknown;
    for (let i = 0; i < 50 && error === undefined; i += 1) {
      error = await target.writeRecords('items', big).then(() => undefined, (e: unknown) => e);
    }
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toBe(`The Singer target ${process.execPath} exited (exit status 3) before the run ended; its output is above.`);
    await expect(target.close({ bookmarks: {} })).rejects.toThrow(/exited \(exit status 3\) before the run ended/);
    expect(log.lines).toEqual([`${process.execPath}: no thanks`]);
  });

  it('refuses a program that is missing or not executable, before anything is sent', async () => {
    await expect(CommandDestination.start(options(['./no-such-target'], logger()))).rejects.toThrow('The Singer target ./no-such-target was not found (ENOENT).');
    await writeFile(join(dir, 'target.js'), '#!/usr/bin/env node\n', { mode: 0o644 });
    const error = await CommandDestination.start(options(['./target.js'], logger())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).message).toBe('The Singer target ./target.js is not executable (EACCES).');
    expect((error as DestinationError).hint).toBe('Make it executable (chmod +x ./target.js), or name its interpreter: command:node ./target.js.');
  });

  it('gives the target no secret of ours in its environment', () => {
    expect(targetEnvironment({ PATH: '/bin', CONNECTORS_SECRET_ACME_API_KEY: 'k', CONNECTORS_SECRET_KEY: 'x', CONNECTORS_SECRET_KEY_PREVIOUS: 'y', CONNECTORS_DATABASE_URL: 'u', CONNECTORS_HOME: '/h' })).toEqual({ PATH: '/bin', CONNECTORS_HOME: '/h' });
  });
});
