/**
 * What `enqueue` and `schedule add` check before anything is queued (issue 13): the destination
 * (known schemes, a dir: made absolute, no password in a URL the job list would keep), the
 * project's store (the queue needs the PostgreSQL store), and `--lease` durations.
 */
import { describe, expect, it } from 'vitest';
import { processRedactor } from '../runtime/process-redactor.js';
import { parseDuration } from './duration.js';
import { checkJobDestination } from './job-spec.js';
import { locateQueueDatabase } from './queue-database.js';

describe('checkJobDestination', () => {
  it('keeps postgres and command: as given and makes dir: absolute against the enqueuing folder', () => {
    expect(checkJobDestination('postgres', '/work')).toBe('postgres');
    expect(checkJobDestination(' postgres:postgres://loader@db:5432/warehouse?schema=raw ', '/work')).toBe('postgres:postgres://loader@db:5432/warehouse?schema=raw');
    expect(checkJobDestination('dir:out', '/work/project')).toBe('dir:/work/project/out');
    expect(checkJobDestination('dir:/data', '/work/project')).toBe('dir:/data');
    expect(checkJobDestination('command:target-jsonl --config t.json', '/work')).toBe('command:target-jsonl --config t.json');
  });

  it('refuses an unknown scheme and a URL with a password, without repeating the password (exit 2)', () => {
    expect(() => checkJobDestination('ftp:/x', '/work')).toThrow('Unknown destination "ftp"');
    const password = 'pw-in-destination-Zk83';
    let error: unknown;
    try {
      checkJobDestination(`postgres:postgres://u:${password}@db/x`, '/work');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ exitCode: 2, message: 'The destination URL holds a password, which the job list would keep in plain text; give the workers PGPASSWORD or a ~/.pgpass instead.' });
    expect(() => checkJobDestination('postgres:postgres://u@db/x?password=p', '/work')).toThrow('holds a password');
  });
});

describe('locateQueueDatabase', () => {
  it('refuses a project whose store is not the PostgreSQL store, saying how to set it', () => {
    expect(() => locateQueueDatabase({ env: {} })).toThrow("The job queue runs on the PostgreSQL secret store, but this project's secret_store is type file.");
    expect(() => locateQueueDatabase({ env: {}, config: { file: '/p/connectors.config.yaml', dir: '/p', secret_store: { type: 'command' } } })).toThrow('is type command');
  });

  it('takes the url from the config or CONNECTORS_DATABASE_URL, derives its schemas and redacts the password', () => {
    const config = { file: '/p/connectors.config.yaml', dir: '/p', secret_store: { type: 'postgres', schema: 'acme' } };
    const found = locateQueueDatabase({ env: { CONNECTORS_DATABASE_URL: 'postgres://u:queue-pass-Wq81@db:5432/d' }, config });
    expect(found).toMatchObject({ storeSchema: 'acme', jobsSchema: 'acme_jobs', queueSchema: 'acme_queue', target: { host: 'db', port: 5432, database: 'd', user: 'u' } });
    expect(processRedactor.redact('x queue-pass-Wq81 y')).not.toContain('queue-pass-Wq81');
    expect(() => locateQueueDatabase({ env: {}, config: { ...config, secret_store: { type: 'postgres' } } })).toThrow('needs url in connectors.config.yaml or CONNECTORS_DATABASE_URL');
  });
});

describe('parseDuration', () => {
  it('reads 10s, 90s, 15m, 1h and 500ms, and refuses anything else or too short (exit 2)', () => {
    expect([parseDuration('10s', '--lease'), parseDuration('90s', '--lease'), parseDuration('15m', '--lease'), parseDuration('1h', '--lease'), parseDuration('500ms', '--lease')]).toEqual([10_000, 90_000, 900_000, 3_600_000, 500]);
    expect(() => parseDuration('soon', '--lease')).toThrow('--lease "soon" is not a duration: a whole number and a unit, e.g. 10s, 90s, 15m or 1h.');
    expect(() => parseDuration('1.5m', '--lease')).toThrow('is not a duration');
    expect(() => parseDuration('1s', '--lease', 3000)).toThrow('--lease 1s is too short: at least 3 s.');
  });
});
