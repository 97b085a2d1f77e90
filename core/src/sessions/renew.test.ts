import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import type { AuthContext, AuthScheme, Session } from '../plugin-api.js';
import { MemoryStore } from '../secrets/memory-store.js';
import type { ConnectionRef, StoredSession } from '../secrets/store.js';
import { SessionManager, type SessionBinding } from './renew.js';

const ref: ConnectionRef = { connector: 'acme', connection: 'default' };
const start = new Date('2030-01-01T00:00:00Z');

/** A clock the tests move by hand. */
class FakeClock {
  time = start.getTime();
  now = (): Date => new Date(this.time);
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
}

class RecordingLog {
  warnings: string[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string): void {
    this.warnings.push(message);
  }
}

type Authenticate = (ctx: AuthContext, previous?: Session) => Promise<Session>;

/** An oauth2-like scheme: each renewal rotates the refresh token and counts itself. */
function fakeScheme(clock: FakeClock, lifetime: number | null = 3600): AuthScheme & { calls: (Session | undefined)[]; next?: Authenticate } {
  const scheme = {
    name: 'fake',
    apiVersion: 1 as const,
    requiredSecrets: [{ name: 'client_id' }],
    injectedSecrets: [{ name: 'oauth_access_token' }, { name: 'oauth_refresh_token' }],
    calls: [] as (Session | undefined)[],
    next: undefined as Authenticate | undefined,
    async authenticate(ctx: AuthContext, previous?: Session): Promise<Session> {
      scheme.calls.push(previous);
      if (scheme.next) return scheme.next(ctx, previous);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const n = scheme.calls.length;
      const refresh = previous?.secrets.oauth_refresh_token ?? ctx.secrets.oauth_refresh_token ?? 'none';
      return {
        secrets: { oauth_access_token: `access-${n}`, oauth_refresh_token: `${refresh}>r${n}` },
        ...(lifetime === null ? {} : { expiresAt: new Date(clock.time + lifetime * 1000) }),
      };
    },
    apply() {},
  };
  return scheme;
}

function contextFor(clock: FakeClock, seeds: Record<string, string> = {}): AuthContext {
  return {
    connector: ref.connector,
    connection: ref.connection,
    options: {},
    secrets: { client_id: 'id', ...seeds },
    config: {},
    http: { request: () => Promise.reject(new Error('no http')) },
    log: new RecordingLog(),
    now: clock.now,
  };
}

function providerError(code: string, description: string): AuthError {
  return new AuthError(`The token endpoint answered ${code}.`, {
    providerError: code,
    providerErrorDescription: description,
    status: 400,
  });
}

let clock: FakeClock;
let store: MemoryStore;
let log: RecordingLog;
let manager: SessionManager;
let lockDir: string;

beforeEach(async () => {
  clock = new FakeClock();
  store = new MemoryStore();
  log = new RecordingLog();
  lockDir = await mkdtemp(join(tmpdir(), 'connectors-locks-'));
  manager = new SessionManager({ store, lockDir, now: clock.now, log });
});

function bind(scheme: AuthScheme, refreshBefore?: number, seeds?: Record<string, string>): SessionBinding {
  return { ref, scheme, ctx: contextFor(clock, seeds), ...(refreshBefore === undefined ? {} : { refreshBefore }) };
}

describe('SessionManager.getSession', () => {
  it('makes the first session from the seeds, stores it, and reuses it', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, undefined, { oauth_refresh_token: 'seed' });
    const first = await manager.getSession(binding);
    expect(scheme.calls).toEqual([undefined]);
    expect(first.secrets).toEqual({ oauth_access_token: 'access-1', oauth_refresh_token: 'seed>r1' });
    expect(await store.getSession(ref)).toMatchObject({
      secrets: first.secrets,
      expiresAt: '2030-01-01T01:00:00.000Z',
      issuedAt: '2030-01-01T00:00:00.000Z',
    });
    clock.advance(3000);
    expect(await manager.getSession(binding)).toEqual(first);
    expect(scheme.calls).toHaveLength(1);
  });

  it('renews within refresh_before of expiry, handing the scheme the previous session', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, 120);
    const first = await manager.getSession(binding);
    clock.advance(3479);
    expect((await manager.getSession(binding)).secrets.oauth_access_token).toBe('access-1');
    clock.advance(2);
    const renewed = await manager.getSession(binding);
    expect(renewed.secrets.oauth_access_token).toBe('access-2');
    expect(scheme.calls[1]?.secrets).toEqual(first.secrets);
  });

  it('uses half the lifetime as the window when the token lives shorter than refresh_before', async () => {
    const scheme = fakeScheme(clock, 30);
    const binding = bind(scheme, 60);
    await manager.getSession(binding);
    clock.advance(14);
    await manager.getSession(binding);
    expect(scheme.calls).toHaveLength(1);
    clock.advance(2);
    await manager.getSession(binding);
    expect(scheme.calls).toHaveLength(2);
  });

  it('never renews a session without expiry before a 401', async () => {
    const scheme = fakeScheme(clock, null);
    const binding = bind(scheme);
    const first = await manager.getSession(binding);
    clock.advance(10 ** 7);
    await manager.getSession(binding);
    expect(scheme.calls).toHaveLength(1);
    const renewed = await manager.renewAfterUnauthorized(binding, first);
    expect(renewed.secrets.oauth_access_token).toBe('access-2');
  });

  it('collapses concurrent first logins in one process into one', async () => {
    const scheme = fakeScheme(clock);
    const sessions = await Promise.all(Array.from({ length: 8 }, () => manager.getSession(bind(scheme))));
    expect(scheme.calls).toHaveLength(1);
    expect(new Set(sessions.map((s) => s.secrets.oauth_access_token))).toEqual(new Set(['access-1']));
  });

  it('skips the renewal when the re-read under the lock finds a fresh session', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme);
    await manager.getSession(binding);
    clock.advance(3590);
    const other = new SessionManager({ store, lockDir, now: clock.now, log });
    const [a, b] = await Promise.all([manager.getSession(binding), other.getSession(binding)]);
    expect(scheme.calls).toHaveLength(2);
    expect(a).toEqual(b);
  });

  it('stores a rotated refresh token before the new session is handed out', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, undefined, { oauth_refresh_token: 'seed' });
    await manager.getSession(binding);
    clock.advance(3590);
    const events: string[] = [];
    const setSession = store.setSession.bind(store);
    store.setSession = async (r: ConnectionRef, s: StoredSession | undefined) => {
      events.push(`store ${s?.secrets.oauth_refresh_token}`);
      await setSession(r, s);
    };
    const renewed = await manager.getSession(binding);
    events.push(`use ${renewed.secrets.oauth_refresh_token}`);
    expect(events).toEqual(['store seed>r1>r2', 'use seed>r1>r2']);
    expect((await store.getSession(ref))?.secrets.oauth_refresh_token).toBe('seed>r1>r2');
  });

  it('keeps cookies with the session across renewals', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme);
    await manager.saveCookies(ref, { jar: 'before any session' });
    await manager.getSession(binding);
    expect((await store.getSession(ref))?.cookies).toEqual({ jar: 'before any session' });
    await manager.saveCookies(ref, { jar: 2 });
    clock.advance(3590);
    await manager.getSession(binding);
    expect((await store.getSession(ref))?.cookies).toEqual({ jar: 2 });
    expect(await manager.loadCookies(ref)).toEqual({ jar: 2 });
  });

  it('discards the session', async () => {
    const scheme = fakeScheme(clock);
    await manager.getSession(bind(scheme));
    await manager.discardSession(ref);
    expect(await store.getSession(ref)).toBeUndefined();
    await manager.getSession(bind(scheme));
    expect(scheme.calls).toEqual([undefined, undefined]);
  });
});

describe('changed credentials', () => {
  it('renews a session made from a required secret the user has since replaced, and only then', async () => {
    const scheme = fakeScheme(clock);
    const before = bind(scheme);
    const first = await manager.getSession(before);
    expect(await manager.getSession(bind(scheme))).toEqual(first);
    expect(scheme.calls).toHaveLength(1);

    const changed: SessionBinding = { ...before, ctx: { ...before.ctx, secrets: { client_id: 'new-id' } } };
    const second = await manager.getSession(changed);
    expect(scheme.calls).toHaveLength(2);
    expect(second.secrets.oauth_access_token).toBe('access-2');
    expect(scheme.calls[1]).toEqual(first);
    expect(await manager.getSession(changed)).toEqual(second);
    expect(scheme.calls).toHaveLength(2);
  });

  it('does not renew when only a seed changed: the session holds the rotated token', async () => {
    const scheme = fakeScheme(clock);
    await manager.getSession(bind(scheme, undefined, { oauth_refresh_token: 'seed-1' }));
    await manager.getSession(bind(scheme, undefined, { oauth_refresh_token: 'seed-2' }));
    expect(scheme.calls).toHaveLength(1);
  });

  it('reuses a session stored without a digest (written before digests existed)', async () => {
    const scheme = fakeScheme(clock);
    const stored: StoredSession = {
      secrets: { oauth_access_token: 'old' },
      expiresAt: '2030-01-01T01:00:00.000Z',
      issuedAt: '2030-01-01T00:00:00.000Z',
      savedAt: '2030-01-01T00:00:00.000Z',
    };
    await store.setSession(ref, stored);
    expect((await manager.getSession(bind(scheme))).secrets).toEqual({ oauth_access_token: 'old' });
    expect(scheme.calls).toHaveLength(0);
  });
});

describe('SessionManager.renewAfterUnauthorized', () => {
  it('renews once for many requests that got a 401 with the same session', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme);
    const failed = await manager.getSession(binding);
    const renewed = await Promise.all(Array.from({ length: 6 }, () => manager.renewAfterUnauthorized(binding, failed)));
    expect(scheme.calls).toHaveLength(2);
    expect(new Set(renewed.map((s) => s.secrets.oauth_access_token))).toEqual(new Set(['access-2']));
    const late = await manager.renewAfterUnauthorized(binding, failed);
    expect(late.secrets.oauth_access_token).toBe('access-2');
    expect(scheme.calls).toHaveLength(2);
  });

  it('renews a 401 even while a session made before it is in flight', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme);
    const failed = await manager.getSession(binding);
    scheme.next = async () => {
      throw providerError('temporarily_unavailable', 'try later');
    };
    clock.advance(3590);
    const kept = manager.getSession(binding);
    const afterUnauthorized = manager.renewAfterUnauthorized(binding, failed);
    expect(await kept).toEqual(failed);
    await expect(afterUnauthorized).rejects.toThrow(/temporarily_unavailable/);
    expect(scheme.calls).toHaveLength(3);
  });
});

describe('failed renewal', () => {
  async function sessionNearExpiry(scheme: ReturnType<typeof fakeScheme>): Promise<Session> {
    const session = await manager.getSession(bind(scheme, undefined, { oauth_refresh_token: 'seed' }));
    clock.advance(3590);
    return session;
  }

  it('keeps an unexpired session with a warning, leaves the store alone, and does not retry', async () => {
    const scheme = fakeScheme(clock);
    const before = await sessionNearExpiry(scheme);
    const stored = await store.getSession(ref);
    scheme.next = async () => {
      throw providerError('invalid_grant', 'Refresh token revoked');
    };
    const binding = bind(scheme);
    expect(await manager.getSession(binding)).toEqual(before);
    expect(await manager.getSession(binding)).toEqual(before);
    expect(scheme.calls).toHaveLength(2);
    expect(await store.getSession(ref)).toEqual(stored);
    expect(log.warnings).toEqual([
      'Could not renew the session of acme (invalid_grant); using the current one until it expires.',
    ]);
    expect(log.warnings.join()).not.toMatch(/seed|access-1/);
  });

  it('fails an expired session with the provider error and what to do, keeping the refresh token', async () => {
    const scheme = fakeScheme(clock);
    await sessionNearExpiry(scheme);
    clock.advance(20);
    scheme.next = async () => {
      throw providerError('invalid_grant', 'Refresh token revoked');
    };
    const error = await manager.getSession(bind(scheme)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      message: 'Renewing the session of acme failed (invalid_grant: Refresh token revoked).',
      providerError: 'invalid_grant',
      providerErrorDescription: 'Refresh token revoked',
      status: 400,
      hint: 'Set a new refresh token with "connectors secrets set acme oauth_refresh_token" or log in again with "connectors auth login acme".',
    });
    expect(scheme.calls).toHaveLength(2);
    expect((await store.getSession(ref))?.secrets.oauth_refresh_token).toBe('seed>r1');
  });

  it('fails after a 401 even when the session has not expired', async () => {
    const scheme = fakeScheme(clock);
    const failed = await manager.getSession(bind(scheme));
    scheme.next = async () => {
      throw providerError('invalid_client', 'Unknown client');
    };
    await expect(manager.renewAfterUnauthorized(bind(scheme), failed)).rejects.toMatchObject({
      providerError: 'invalid_client',
    });
    expect(log.warnings).toEqual([]);
    expect(await store.getSession(ref)).toMatchObject({ secrets: failed.secrets });
  });

  it('fails the first login, naming the connection in the hint', async () => {
    const scheme = fakeScheme(clock);
    scheme.next = async () => {
      throw providerError('invalid_grant', 'bad');
    };
    const eu = { connector: 'acme', connection: 'eu' };
    const binding = { ...bind(scheme), ref: eu };
    await expect(manager.getSession(binding)).rejects.toMatchObject({
      hint: expect.stringContaining('connectors auth login acme --connection eu'),
      message: 'Logging in to acme (connection eu) failed (invalid_grant: bad).',
    });
    expect(await store.getSession(eu)).toBeUndefined();
  });

  it('gives a client_credentials or jwt_bearer login that fails the hint of its grant, not a refresh token', async () => {
    for (const grant_type of ['client_credentials', 'jwt_bearer']) {
      const scheme = fakeScheme(clock);
      scheme.next = async () => {
        throw providerError('invalid_client', 'Unknown client');
      };
      const binding = bind(scheme);
      binding.ctx.options = { ...binding.ctx.options, grant_type };
      const error = (await manager.getSession(binding).catch((caught: unknown) => caught)) as AuthError;
      expect(error.message).toBe('Logging in to acme failed (invalid_client: Unknown client).');
      expect(error.hint).toBe(
        'Check the auth block\'s token_url and the client credentials with "connectors secrets list acme", and replace a wrong one with "connectors secrets set acme <secret>".',
      );
      expect(error.hint).not.toMatch(/refresh token|auth login/);
    }
  });

  it('names an invalid URL as the cause of a failed login', async () => {
    const scheme = fakeScheme(clock);
    scheme.next = async () => {
      new URL('not a url/oauth/token');
      return { secrets: {} };
    };
    const binding = bind(scheme);
    binding.ctx.options = { ...binding.ctx.options, grant_type: 'client_credentials' };
    const error = (await manager.getSession(binding).catch((caught: unknown) => caught)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      'Logging in to acme failed: "not a url/oauth/token" is not a valid URL; check the URLs in the manifest\'s auth block.',
    );
    expect(error.hint).not.toMatch(/refresh token|auth login/);
  });

  it('passes our own errors through and hides unexpected ones', async () => {
    const scheme = fakeScheme(clock);
    scheme.next = async () => {
      throw new AuthError('The api key was refused.');
    };
    await expect(manager.getSession(bind(scheme))).rejects.toThrow('The api key was refused.');
    scheme.next = async () => {
      throw new Error('secret-value leaked into a message');
    };
    const error = (await manager.getSession(bind(scheme)).catch((caught: unknown) => caught)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain('secret-value');
  });
});

describe('SessionManager on a home that cannot be written (issue 9)', () => {
  /** A scheme like api_key: a static session, no refresh token, no expiry. */
  function staticScheme(): AuthScheme & { calls: number } {
    const scheme = {
      name: 'static',
      apiVersion: 1 as const,
      requiredSecrets: [{ name: 'api_key' }],
      injectedSecrets: [],
      calls: 0,
      async authenticate(): Promise<Session> {
        scheme.calls += 1;
        return { secrets: {} };
      },
      apply() {},
    };
    return scheme;
  }

  /** A store whose writes fail as on a read-only file system. */
  class ReadOnlyStore extends MemoryStore {
    override async setSession(): Promise<void> {
      throw Object.assign(new Error('EROFS: read-only file system, open \'/home/x/secrets.enc\''), { code: 'EROFS', syscall: 'open', path: '/home/x/secrets.enc' });
    }
  }

  // sysfs refuses new folders even to root (EPERM): a real lock folder that cannot be made.
  const unmakeableLockDir = '/sys/connectors-locks-test';

  it('a session without a refresh token is used unsaved when the lock cannot be made', async () => {
    const unwritable = new SessionManager({ store, lockDir: unmakeableLockDir, now: clock.now, log });
    const scheme = staticScheme();
    const binding: SessionBinding = { ref, scheme, ctx: { ...contextFor(clock), secrets: { api_key: 'k' } } };
    expect(await unwritable.getSession(binding)).toEqual({ secrets: {}, issuedAt: new Date('2030-01-01T00:00:00.000Z') });
    expect(scheme.calls).toBe(1);
    expect(await store.getSession(ref)).toBeUndefined();
  });

  it('a refresh-token renewal is refused before any request when the lock cannot be made', async () => {
    const unwritable = new SessionManager({ store, lockDir: unmakeableLockDir, now: clock.now, log });
    const scheme = fakeScheme(clock);
    const error = await unwritable.getSession(bind(scheme, undefined, { oauth_refresh_token: 'seed' })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^The session of acme cannot be renewed: Could not create the folder \/sys\/connectors-locks-test: the operation is not permitted \(EPERM\); .*A renewal spends the refresh token, and the new one could not be saved\.$/);
    expect(scheme.calls).toEqual([]);
  });

  it('when only the store cannot be written: unsaved without a refresh token, refused with one', async () => {
    const readOnly = new SessionManager({ store: new ReadOnlyStore(), lockDir, now: clock.now, log });
    const plain = staticScheme();
    expect((await readOnly.getSession({ ref, scheme: plain, ctx: contextFor(clock) })).secrets).toEqual({});
    const error = await readOnly.getSession(bind(fakeScheme(clock), undefined, { oauth_refresh_token: 'seed' })).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'The session of acme cannot be renewed: Could not open /home/x/secrets.enc: the file system is read-only (EROFS); set CONNECTORS_HOME (or secret_store.path, or --output) to a writable folder. A renewal spends the refresh token, and the new one could not be saved.',
    );
  });
});

describe('SessionManager.renewIfDue (renewal ahead of time, issue 10)', () => {
  it('renews only inside the window (moved earlier by leadMs) and says whether it renewed', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, 60);
    await manager.getSession(binding);
    clock.advance(3600 - 70);
    expect(await manager.renewIfDue(binding)).toMatchObject({ renewed: false });
    expect(await manager.renewIfDue(binding, 9_000)).toMatchObject({ renewed: false });
    const ahead = await manager.renewIfDue(binding, 10_000);
    expect(ahead.renewed).toBe(true);
    expect(ahead.session.secrets.oauth_access_token).toBe('access-2');
    expect(scheme.calls).toHaveLength(2);
  });

  it('skips (renewed: false) what another process renewed meanwhile, re-reading under the lock', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, 60);
    await manager.getSession(binding);
    clock.advance(3590);
    const other = new SessionManager({ store, lockDir, now: clock.now, log });
    expect((await other.renewIfDue(binding)).renewed).toBe(true);
    expect(await manager.renewIfDue(binding)).toMatchObject({ renewed: false, session: { secrets: { oauth_access_token: 'access-2' } } });
    expect(scheme.calls).toHaveLength(2);
  });

  it('throws the provider error where getSession would keep the old session, and keeps the refresh token', async () => {
    const scheme = fakeScheme(clock);
    const binding = bind(scheme, 60);
    const first = await manager.getSession(binding);
    clock.advance(3590);
    scheme.next = () => Promise.reject(providerError('invalid_grant', 'revoked'));
    await expect(manager.renewIfDue(binding)).rejects.toMatchObject({ providerError: 'invalid_grant' });
    expect((await store.getSession(ref))?.secrets).toEqual(first.secrets);
    // Requests meanwhile get the unexpired session without another token request.
    expect((await manager.getSession(binding)).secrets).toEqual(first.secrets);
    expect(scheme.calls).toHaveLength(2);
  });
});
