/**
 * RenewAhead (DESIGN.md section 9, "Renewal ahead of time") with a manual clock and timers and
 * nock for the token endpoint: no real waiting. The `crm` fixture is OAuth2 with refresh tokens
 * (`refresh_before: 60`, no HTTP retries); `keyed` is api_key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOCK, SECRET_STORE } from '../container.js';
import { openProject, type Project } from '../runtime/open-project.js';
import { MemoryStore } from '../secrets/memory-store.js';
import { setSecretAndDiscardSession, type StoredSession } from '../secrets/store.js';
import { RenewAhead, type RenewAheadTimers, type RenewalEvent } from './renew-ahead.js';
import { renewalBackoffMs } from './renewal-failure.js';

const catalog = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'catalog');
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const crm = { connector: 'crm', connection: 'default' };
const crmAcme = { connector: 'crm', connection: 'acme' };
const TOKEN_URL = 'https://auth.crm.test';

/** Timers that run only when the test moves the clock. */
class ManualTimers implements RenewAheadTimers {
  now = T0;
  private tasks: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.tasks.push({ id, at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((task) => task.id !== handle);
  }

  /** When the earliest armed timer that is not the rescan fires. */
  pending(): number[] {
    return this.tasks.map((task) => task.at).sort((a, b) => a - b);
  }

  /** Moves the clock to `time`, firing every timer due on the way (in order) and letting it finish. */
  async advanceTo(time: number, renewAhead: RenewAhead): Promise<void> {
    for (;;) {
      await renewAhead.settled();
      const due = this.tasks.filter((task) => task.at <= time).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((task) => task !== due);
      this.now = Math.max(this.now, due.at);
      due.callback();
      await Promise.resolve();
    }
    this.now = time;
    await renewAhead.settled();
  }
}

function session(issuedAt: number, expiresAt: number | undefined, refreshToken = 'rt-0', accessToken = 'at-0'): StoredSession {
  return {
    secrets: { oauth_access_token: accessToken, oauth_refresh_token: refreshToken },
    issuedAt: new Date(issuedAt).toISOString(),
    ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    savedAt: new Date(issuedAt).toISOString(),
  };
}

describe('RenewAhead', () => {
  let home: string;
  let store: MemoryStore;
  let timers: ManualTimers;
  let running: RenewAhead[];

  async function project(): Promise<Project> {
    const opened = await openProject({ catalog, env: { CONNECTORS_HOME: home }, cwd: home });
    opened.container.register(SECRET_STORE, { useValue: store });
    opened.container.register(CLOCK, { useValue: { now: () => new Date(timers.now) } });
    return opened;
  }

  async function start(options: { random?: number } = {}): Promise<{ renewAhead: RenewAhead; events: RenewalEvent[] }> {
    const renewAhead = new RenewAhead({ project: await project(), timers, random: () => options.random ?? 0, rescanMs: 10_000 });
    const events: RenewalEvent[] = [];
    renewAhead.onRenewal((event) => events.push(event));
    running.push(renewAhead);
    await renewAhead.start();
    return { renewAhead, events };
  }

  async function seedCrm(stored: StoredSession, ref = crm): Promise<void> {
    await store.setSecret(ref, 'client_id', 'crm-client');
    await store.setSecret(ref, 'client_secret', 'crm-client-secret');
    await store.setSession(ref, stored);
  }

  /** The token endpoint: answers one refresh (rotating the refresh token) and records it. */
  function tokenAnswers(...answers: [number, object | string][]): { bodies: string[] } {
    const seen = { bodies: [] as string[] };
    const scope = nock(TOKEN_URL);
    for (const [status, body] of answers) {
      scope.post('/token', (requestBody: unknown) => {
        seen.bodies.push(typeof requestBody === 'string' ? requestBody : new URLSearchParams(requestBody as Record<string, string>).toString());
        return true;
      }).reply(status, body);
    }
    return seen;
  }

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'renew-ahead-'));
    store = new MemoryStore();
    timers = new ManualTimers();
    running = [];
    nock.disableNetConnect();
  });

  afterEach(async () => {
    for (const renewAhead of running) await renewAhead.stop();
    nock.cleanAll();
    nock.enableNetConnect();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves every stored connection with its status: fresh, missing, static', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    await store.setSecret(crmAcme, 'client_id', 'acme-client');
    await store.setSession({ connector: 'keyed', connection: 'default' }, { secrets: {}, savedAt: new Date(T0).toISOString() });
    const { renewAhead } = await start();
    expect(renewAhead.list()).toEqual([
      { connector: 'crm', connection: 'acme', scheme: 'oauth2', status: 'missing' },
      { connector: 'crm', connection: 'default', scheme: 'oauth2', status: 'fresh', expiresAt: '2026-03-01T13:00:00.000Z', renewedAt: '2026-03-01T12:00:00.000Z' },
      { connector: 'keyed', connection: 'default', scheme: 'api_key', status: 'static', renewedAt: '2026-03-01T12:00:00.000Z' },
    ]);
    timers.now = T0 + HOUR - 30_000;
    expect(renewAhead.list()[1]?.status).toBe('expiring');
    timers.now = T0 + HOUR;
    expect(renewAhead.list()[1]?.status).toBe('expired');
  });

  it('renews with no traffic at all when the window opens, never later, storing the rotated refresh token', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const token = tokenAnswers([200, { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }]);
    const { renewAhead, events } = await start({ random: 0 });
    const windowOpens = T0 + HOUR - 60_000;

    await timers.advanceTo(windowOpens - 1, renewAhead);
    expect(token.bodies).toEqual([]);
    await timers.advanceTo(windowOpens, renewAhead);
    expect(token.bodies).toHaveLength(1);
    expect(token.bodies[0]).toContain('grant_type=refresh_token');
    expect(token.bodies[0]).toContain('refresh_token=rt-0');

    const stored = await store.getSession(crm);
    expect(stored?.secrets).toMatchObject({ oauth_access_token: 'at-1', oauth_refresh_token: 'rt-1' });
    expect(stored?.expiresAt).toBe(new Date(windowOpens + HOUR).toISOString());
    expect(events).toEqual([{ connector: 'crm', connection: 'default', result: 'ok', ms: 0 }]);
    expect(renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'fresh', renewedAt: new Date(windowOpens).toISOString() });
    // The next timer is armed for the new session's window.
    expect(timers.pending()).toContain(windowOpens + HOUR - 60_000);
  });

  it('jitters only earlier, by up to 10 % of the window', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const token = tokenAnswers([200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }]);
    const { renewAhead } = await start({ random: 0.999 });
    const windowOpens = T0 + HOUR - 60_000;
    await timers.advanceTo(windowOpens - 6_000, renewAhead); // 0.999 * 10 % of 60 s = 5.994 s early
    expect(token.bodies).toEqual([]);
    await timers.advanceTo(windowOpens - 5_990, renewAhead);
    expect(token.bodies).toHaveLength(1);
  });

  it('uses min(refresh_before, lifetime / 2) as the window (DESIGN.md section 8)', async () => {
    await seedCrm(session(T0, T0 + 40_000)); // lives 40 s: window 20 s, not 60 s
    const token = tokenAnswers([200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 40 }]);
    const { renewAhead } = await start({ random: 0 });
    await timers.advanceTo(T0 + 19_999, renewAhead);
    expect(token.bodies).toEqual([]);
    await timers.advanceTo(T0 + 20_000, renewAhead);
    expect(token.bodies).toHaveLength(1);
  });

  it('retries a failing token endpoint after 1 s, 2 s, 4 s ..., shows failing meanwhile, and recovers', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const token = tokenAnswers(
      [503, 'down'],
      [503, 'down'],
      [503, 'down'],
      [200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }],
    );
    const { renewAhead, events } = await start({ random: 0 });
    const opens = T0 + HOUR - 60_000;
    await timers.advanceTo(opens, renewAhead);
    expect(token.bodies).toHaveLength(1);
    expect(renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'failing', lastError: expect.any(String) });
    await timers.advanceTo(opens + 999, renewAhead);
    expect(token.bodies).toHaveLength(1);
    await timers.advanceTo(opens + 1_000, renewAhead);
    expect(token.bodies).toHaveLength(2);
    await timers.advanceTo(opens + 2_999, renewAhead);
    expect(token.bodies).toHaveLength(2);
    await timers.advanceTo(opens + 3_000, renewAhead);
    expect(token.bodies).toHaveLength(3);
    await timers.advanceTo(opens + 7_000, renewAhead);
    expect(token.bodies).toHaveLength(4);
    expect(events.map((event) => event.result)).toEqual(['error', 'error', 'error', 'ok']);
    expect(renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'fresh' });
    expect(renewAhead.list().find((entry) => entry.connection === 'default')?.lastError).toBeUndefined();
    expect((await store.getSession(crm))?.secrets.oauth_refresh_token).toBe('rt-1');
  });

  it('stops after invalid_grant (failing, lastError invalid_grant) until a secret of the connection changes', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const token = tokenAnswers([400, { error: 'invalid_grant', error_description: 'The refresh token rt-0 was revoked.' }]);
    const { renewAhead, events } = await start({ random: 0 });
    await timers.advanceTo(T0 + HOUR - 60_000, renewAhead);
    expect(events).toEqual([{ connector: 'crm', connection: 'default', result: 'refused', ms: 0, error: 'invalid_grant' }]);
    const failing = renewAhead.list().find((entry) => entry.connection === 'default');
    expect(failing).toMatchObject({ status: 'failing', lastError: 'invalid_grant' });
    expect(JSON.stringify(renewAhead.list())).not.toContain('rt-0');
    // The refresh token is kept; no retries, however long nothing changes (rescans included).
    expect((await store.getSession(crm))?.secrets.oauth_refresh_token).toBe('rt-0');
    await timers.advanceTo(T0 + 3 * HOUR, renewAhead);
    expect(token.bodies).toHaveLength(1);
    expect(renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'failing', lastError: 'invalid_grant' });

    // `connectors secrets set crm client_secret` in another process: the next rescan lifts it.
    const again = tokenAnswers([200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }]);
    await store.setSecret(crm, 'client_secret', 'crm-client-secret-2');
    await timers.advanceTo(T0 + 3 * HOUR + 10_000, renewAhead);
    expect(again.bodies).toHaveLength(1);
    expect(renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'fresh' });
  });

  it('after invalid_grant, a new refresh token set with secrets set shows missing until first use', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    tokenAnswers([400, { error: 'invalid_grant' }]);
    const { renewAhead } = await start({ random: 0 });
    await timers.advanceTo(T0 + HOUR - 60_000, renewAhead);
    await setSecretAndDiscardSession(store, crm, 'oauth_refresh_token', 'rt-new', ['oauth_refresh_token']);
    await timers.advanceTo(T0 + HOUR - 50_000, renewAhead);
    const entry = renewAhead.list().find((one) => one.connection === 'default');
    expect(entry?.status).toBe('missing');
    expect(entry?.lastError).toBeUndefined();
  });

  it('makes one token request per expiry when two replicas share the store', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const token = tokenAnswers([200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }]);
    const first = await start({ random: 0 });
    const second = await start({ random: 0.5 });
    await timers.advanceTo(T0 + HOUR - 30_000, first.renewAhead);
    await second.renewAhead.settled();
    expect(token.bodies).toHaveLength(1);
    expect([...first.events, ...second.events].map((event) => event.result)).toEqual(['ok']);
    for (const replica of [first, second]) {
      await replica.renewAhead.settled();
    }
    await timers.advanceTo(T0 + HOUR + 10_000, first.renewAhead); // a rescan of the second replica re-reads the session
    expect(second.renewAhead.list().find((entry) => entry.connection === 'default')).toMatchObject({ status: 'fresh', expiresAt: new Date(T0 + HOUR - 60_000 + HOUR).toISOString() });
  });

  it('re-arms on touch after a request renewed the session elsewhere, and renews nothing early', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    const { renewAhead, events } = await start({ random: 0 });
    await store.setSession(crm, session(T0 + 600_000, T0 + 600_000 + HOUR, 'rt-9', 'at-9'));
    renewAhead.touch('crm', 'default');
    await renewAhead.settled();
    expect(timers.pending()).toContain(T0 + 600_000 + HOUR - 60_000);
    expect(timers.pending()).not.toContain(T0 + HOUR - 60_000);
    await timers.advanceTo(T0 + HOUR, renewAhead); // no token request: nock would refuse it
    expect(events).toEqual([]);
  });

  it('stop clears every timer and waits for a renewal in flight', async () => {
    await seedCrm(session(T0, T0 + HOUR));
    nock(TOKEN_URL).post('/token').delay(50).reply(200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 });
    const { renewAhead } = await start({ random: 0 });
    const fired = timers.advanceTo(T0 + HOUR - 60_000, renewAhead);
    await new Promise((resolve) => setImmediate(resolve));
    await renewAhead.stop();
    expect(timers.pending()).toEqual([]);
    await fired;
    expect((await store.getSession(crm))?.secrets.oauth_refresh_token).toBe('rt-1');
  });
});

describe('renewalBackoffMs', () => {
  it('starts at 1 s, doubles, and stops at 5 min', () => {
    expect([1, 2, 3, 4].map(renewalBackoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(renewalBackoffMs(9)).toBe(256_000);
    expect(renewalBackoffMs(10)).toBe(300_000);
    expect(renewalBackoffMs(50)).toBe(300_000);
  });
});
