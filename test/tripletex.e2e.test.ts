import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked, utcDatePlus } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server without declarations
import { startTripletexServer } from './servers/tripletex.js';

const CONSUMER = 'test-consumer-token';
const EMPLOYEE = 'test-employee-token';
const SECRETS = [CONSUMER, EMPLOYEE];

type Server = Awaited<ReturnType<typeof startTripletexServer>>;
let server: Server;
let home: string;
let cleanup: () => void;

beforeEach(async () => {
  server = await startTripletexServer({ counts: { customer: 7, invoice: 5, product: 4 } });
  ({ home, cleanup } = makeHome());
});
afterEach(async () => {
  await server.close();
  cleanup();
});

const base = () => ['--config', `base_url=${server.url}/v2`];
const env = (secrets: Record<string, string> = { consumer_key: CONSUMER, employee_token: EMPLOYEE }, clockOffsetMs = 0) =>
  cliEnv(home, 'tripletex', secrets, clockOffsetMs);
/** Secret values plus every session token the server handed out. */
const allSecrets = () => [...SECRETS, ...server.state.sessions.keys()];
const sessionCreates = () => server.state.requests.filter((r: { path: string }) => r.path === '/v2/token/session/:create');

describe('tripletex scheme end to end', () => {
  it('creates one session on first use, applies Basic 0:<token>, and a second process reuses it', async () => {
    const first = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env() }, SECRETS);
    expect(first.code, first.stderr).toBe(0);
    expect(recordsOf(first.stdout, 'customers').map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.state.sessionsCreated).toBe(1);
    // Issue 9: the session is made with POST and a JSON body: the tokens never travel in the URL.
    const [create] = sessionCreates();
    expect(create.method).toBe('POST');
    expect(create.query).toEqual({});
    expect(create.body).toEqual({ consumerToken: CONSUMER, employeeToken: EMPLOYEE, expirationDate: utcDatePlus(2) });
    expect(sessionCreates()).toHaveLength(1);
    const resources = server.state.requests.filter((r: { path: string }) => r.path === '/v2/customer');
    expect(resources).toHaveLength(1);
    expect(resources[0].companyId).toBe('0');
    expect(findLeaksIn(first, allSecrets())).toEqual([]);

    const check = await runChecked(['check', 'tripletex', ...base()], { env: env() }, allSecrets());
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/GET .*whoAmI answered 200/);

    const second = await runChecked(['run', 'tripletex', '--stream', 'invoices', ...base()], { env: env() }, allSecrets());
    expect(second.code, second.stderr).toBe(0);
    expect(recordsOf(second.stdout, 'invoices')).toHaveLength(5);
    expect(server.state.sessionRequests).toBe(1);
    expect(server.state.unauthorized).toBe(0);
  });

  for (const status of [404, 405]) {
    it(`falls back to the legacy PUT with query parameters when the POST answers ${status}`, async () => {
      server.state.sessionPostStatus = status;
      const result = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env() }, SECRETS);
      expect(result.code, result.stderr).toBe(0);
      expect(recordsOf(result.stdout, 'customers')).toHaveLength(7);
      expect(sessionCreates().map((r: { method: string }) => r.method)).toEqual(['POST', 'PUT']);
      expect(sessionCreates()[1].query).toEqual({ consumerToken: CONSUMER, employeeToken: EMPLOYEE, expirationDate: utcDatePlus(2) });
      expect(server.state.sessionsCreated).toBe(1);
      expect(findLeaksIn(result, allSecrets())).toEqual([]);
    });
  }

  it('accepts the consumer token under its alias consumer_token and honours session_days', async () => {
    const { writeFileSync, mkdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { catalogDir } = await import('./helpers/cli.js');
    const catalog = join(home, 'catalog');
    mkdirSync(join(catalog, 'tripletex'), { recursive: true });
    const manifest = readFileSync(join(catalogDir, 'tripletex', 'connector.yaml'), 'utf8').replace('session_days: 2', 'session_days: 5');
    writeFileSync(join(catalog, 'tripletex', 'connector.yaml'), manifest);
    const result = await runChecked(
      ['run', 'tripletex', '--catalog', catalog, '--stream', 'customers', ...base()],
      { env: env({ consumer_token: CONSUMER, employee_token: EMPLOYEE }) },
      SECRETS,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'customers')).toHaveLength(7);
    expect(sessionCreates()[0].body.expirationDate).toBe(utcDatePlus(5));
  });

  it('creates a new session when the stored one is within refresh_before of 00:00 UTC of its expirationDate', async () => {
    const first = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env() }, SECRETS);
    expect(first.code, first.stderr).toBe(0);
    const expiry = Date.parse(`${utcDatePlus(2)}T00:00:00Z`);

    // Ten minutes before expiry: outside the 60 s window, the session is reused.
    const early = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env(undefined, expiry - 600_000 - Date.now()) }, allSecrets());
    expect(early.code, early.stderr).toBe(0);
    expect(server.state.sessionRequests).toBe(1);

    // Thirty seconds before expiry: inside the window, exactly one new session, dated from the (shifted) UTC day.
    const late = await runChecked(['run', 'tripletex', '--stream', 'products', ...base()], { env: env(undefined, expiry - 30_000 - Date.now()) }, allSecrets());
    expect(late.code, late.stderr).toBe(0);
    expect(recordsOf(late.stdout, 'products')).toHaveLength(4);
    expect(server.state.sessionRequests).toBe(2);
    expect(sessionCreates()[1].body.expirationDate).toBe(utcDatePlus(2, expiry - 30_000));
    expect(server.state.unauthorized).toBe(0);
  });

  it('creates exactly one new session after a 401 and retries the request once', async () => {
    const first = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env() }, SECRETS);
    expect(first.code, first.stderr).toBe(0);
    server.revokeSessions();
    const before = server.state.requests.length;
    const second = await runChecked(['run', 'tripletex', '--stream', 'products', ...base()], { env: env() }, allSecrets());
    expect(second.code, second.stderr).toBe(0);
    expect(recordsOf(second.stdout, 'products')).toHaveLength(4);
    expect(server.state.sessionsCreated).toBe(2);
    expect(server.state.unauthorized).toBe(1);
    expect(server.state.requests.slice(before).map((r: { path: string }) => r.path)).toEqual([
      '/v2/product',
      '/v2/token/session/:create',
      '/v2/product',
    ]);

    // force401Next: one forced 401 mid-run, one new session, the same record count.
    server.state.force401Next = 1;
    const third = await runChecked(['run', 'tripletex', '--stream', 'invoices', ...base()], { env: env() }, allSecrets());
    expect(third.code, third.stderr).toBe(0);
    expect(recordsOf(third.stdout, 'invoices')).toHaveLength(5);
    expect(server.state.sessionsCreated).toBe(3);
    expect(server.state.unauthorized).toBe(2);
  });

  it('reads the date-ranged lists in one-year windows, [dateFrom, dateTo), up to date_to or today', async () => {
    const period = ['--config', 'date_from=2023-07-01', '--config', 'date_to=2025-01-01'];
    const postings = await runChecked(['run', 'tripletex', '--stream', 'ledger_postings', ...base(), ...period], { env: env() }, SECRETS);
    expect(postings.code, postings.stderr).toBe(0);
    expect(recordsOf(postings.stdout, 'ledger_postings').map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const windows = (path: string) =>
      server.state.requests.filter((r: { path: string }) => r.path === path).map((r: { query: Record<string, string> }) => r.query);
    expect(windows('/v2/ledger/posting').map((q: Record<string, string>) => [q.dateFrom, q.dateTo])).toEqual([
      ['2023-07-01', '2024-07-01'],
      ['2024-07-01', '2025-01-01'],
    ]);

    const invoices = await runChecked(['run', 'tripletex', '--stream', 'invoices', ...base()], { env: env() }, allSecrets());
    expect(invoices.code, invoices.stderr).toBe(0);
    expect(recordsOf(invoices.stdout, 'invoices')).toHaveLength(5);
    const sent = windows('/v2/invoice');
    expect(sent[0]).toMatchObject({ invoiceDateFrom: '2000-01-01', invoiceDateTo: '2001-01-01' });
    expect(sent.at(-1)?.invoiceDateTo).toBe(new Date().toISOString().slice(0, 10));
    sent.slice(1).forEach((q: Record<string, string>, i: number) => expect(q.invoiceDateFrom).toBe(sent[i].invoiceDateTo));
  });

  it('fails with one line naming what to fix when a 401 persists after the new session', async () => {
    server.state.force401Next = 5;
    const result = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env() }, SECRETS);
    const line = expectOneLineError(result);
    expect(line).toMatch(/401/);
    expect(server.state.sessionsCreated).toBe(2);
    expect(findLeaksIn(result, allSecrets())).toEqual([]);
  });

  for (const [which, secrets, otherwise] of [
    ['consumer token', { consumer_key: 'wrong-consumer-token-value', employee_token: EMPLOYEE }, 'wrong-consumer-token-value'],
    ['employee token', { consumer_key: CONSUMER, employee_token: 'wrong-employee-token-value' }, 'wrong-employee-token-value'],
  ] as const) {
    it(`names the secrets to fix for a wrong ${which}, in one line, exit 1, without the values (run and check)`, async () => {
      for (const command of [['run', 'tripletex', '--stream', 'customers'], ['check', 'tripletex']]) {
        const result = await runChecked([...command, ...base()], { env: env(secrets) }, [...SECRETS, otherwise]);
        const line = expectOneLineError(result);
        expect(line).toMatch(/Tripletex|tripletex/);
        expect(line).toContain('9000');
        expect(line).toContain('consumer_key');
        expect(line).toContain('employee_token');
        expect(line).toContain('connectors secrets set tripletex');
      }
      expect(server.state.sessionsCreated).toBe(0);
      expect(server.state.resourceRequests).toBe(0);
    });
  }

  it('says which secret is missing before any request', async () => {
    const result = await runChecked(['run', 'tripletex', '--stream', 'customers', ...base()], { env: env({ consumer_key: CONSUMER }) }, SECRETS);
    const line = expectOneLineError(result);
    expect(line).toContain('employee_token');
    expect(line).not.toContain('consumer_key secret');
    expect(server.state.requests).toHaveLength(0);
  });
});

function findLeaksIn(result: { stdout: string; stderr: string }, secrets: string[]): string[] {
  return secrets.filter((s) => result.stdout.includes(s) || result.stderr.includes(s) || result.stderr.includes(Buffer.from(`0:${s}`).toString('base64')));
}
