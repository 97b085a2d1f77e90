/**
 * Sessions kept fresh (DESIGN.md section 5 and section 8, "Renewal window", "Failed renewal").
 * The renewal order is Nango's, done right (STYLE.md): single-flight per connection inside the
 * process, then the connection's lock across processes, then a re-read of the store that skips the
 * renewal when another process already did it, then `scheme.authenticate`, then the new session
 * is stored (a rotated refresh token with it) before anyone uses it, then the lock is released.
 * A failed renewal never writes to the store.
 */
import { join } from 'node:path';
import { describeSystemError, isUnwritableError } from '../describe-system-error.js';
import { AuthError, ConnectorsError, SecretStoreError } from '../errors.js';
import type { AuthContext, AuthScheme, Logger, Session } from '../plugin-api.js';
import { type ConnectionRef, hasOwnConnectionLock, type SecretStore, type StoredSession } from '../secrets/store.js';
import { type LockOptions, withLock } from './lock.js';
import { digestCredentials } from './credential-digest.js';
import { DEFAULT_REFRESH_BEFORE, hasExpired, isDueForRenewal } from './renewal-window.js';
import { isSameSession, toSession, toStoredSession } from './session-codec.js';

/** One connection's auth, as the session manager needs it. */
export interface SessionBinding {
  ref: ConnectionRef;
  scheme: AuthScheme;
  /** Handed to `scheme.authenticate`; `ctx.secrets` carries the resolved secrets and seeds. */
  ctx: AuthContext;
  /** The manifest's `auth.refresh_before` in seconds. Default 60. */
  refreshBefore?: number;
}

export interface SessionManagerOptions {
  store: SecretStore;
  /** Lock files go to `<lockDir>/<connector>/<connection>.lock`, e.g. `<home>/locks`. */
  lockDir: string;
  /** The clock for renewal windows. Default `() => new Date()`. */
  now?: () => Date;
  log: Logger;
  /** Options of the connection locks (tests shorten `staleMs`). */
  lock?: LockOptions;
}

type RenewReason = 'missing' | 'due' | 'unauthorized' | 'credentials';

/** Hands out fresh sessions and renews them once per connection, however many ask at once. */
export class SessionManager {
  private readonly store: SecretStore;
  private readonly lockDir: string;
  private readonly now: () => Date;
  private readonly log: Logger;
  private readonly lockOptions: LockOptions;
  private readonly inFlight = new Map<string, Promise<Session>>();
  /** Sessions kept after their renewal failed; not renewed again by this process until they expire. */
  private readonly keptAfterFailure = new Map<string, StoredSession>();
  /** Connections whose lock this process holds right now. */
  private readonly held = new Set<string>();
  /** Cookies saved while this process held the lock (or before any session), stored with the next session. */
  private readonly pendingCookies = new Map<string, unknown>();
  /** Sessions this process got from `scheme.authenticate` (not re-read from the store). */
  private readonly madeHere = new WeakSet<Session>();

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.lockDir = options.lockDir;
    this.now = options.now ?? (() => new Date());
    this.log = options.log;
    this.lockOptions = options.lock ?? {};
  }

  /**
   * A session fresh enough to use: the stored one when it is outside its renewal window, else a
   * renewed one. The first session of a connection is made with `previous` undefined.
   */
  async getSession(binding: SessionBinding): Promise<Session> {
    const stored = await this.store.getSession(binding.ref);
    if (stored && this.isKeptAfterFailure(binding.ref, stored)) return toSession(stored);
    if (stored && !madeFromCurrentCredentials(binding, stored)) return this.renew(binding, 'credentials');
    if (stored && !isDueForRenewal(stored, this.now(), binding.refreshBefore ?? DEFAULT_REFRESH_BEFORE)) {
      return toSession(stored);
    }
    return this.renew(binding, stored ? 'due' : 'missing');
  }

  /**
   * After a 401 with `failed`: renews once, unless the stored session already differs from
   * `failed` (another request or process renewed it), which is then returned as is.
   */
  async renewAfterUnauthorized(binding: SessionBinding, failed: Session): Promise<Session> {
    const stored = await this.store.getSession(binding.ref);
    if (stored && !isSameSession(stored, failed)) return toSession(stored);
    return this.renew(binding, 'unauthorized', failed);
  }

  /**
   * Renewal ahead of time (`connectors serve`, DESIGN.md section 9): renews only when the stored
   * session is missing, made from other credentials or inside its renewal window, with the same
   * single-flight, lock and re-read as {@link getSession}. Unlike `getSession`, a failed renewal
   * throws (the provider's error as an `AuthError`) instead of keeping the old session quietly;
   * an unexpired old session is still what `getSession` hands out meanwhile. `leadMs` moves the
   * window that much earlier (the jitter of renewal ahead; the re-read under the lock uses it too).
   * `renewed` is false when no renewal was needed or another process had already made it.
   */
  async renewIfDue(binding: SessionBinding, leadMs = 0): Promise<{ session: Session; renewed: boolean }> {
    const stored = await this.store.getSession(binding.ref);
    if (stored && madeFromCurrentCredentials(binding, stored) && !this.isDue(binding, stored, leadMs)) {
      return { session: toSession(stored), renewed: false };
    }
    const reason: RenewReason = !stored ? 'missing' : madeFromCurrentCredentials(binding, stored) ? 'due' : 'credentials';
    const session = await this.renew(binding, reason, undefined, true, leadMs);
    return { session, renewed: this.madeHere.has(session) };
  }

  /** Forgets the stored session (`auth logout`, or a changed secret the session held). */
  async discardSession(ref: ConnectionRef): Promise<void> {
    await this.withConnectionLock(ref, () => this.store.setSession(ref, undefined));
    this.keptAfterFailure.delete(keyOf(ref));
    this.pendingCookies.delete(keyOf(ref));
  }

  /** Runs `fn` holding the connection's lock, e.g. to change a secret no renewal may race with. */
  async withConnectionLock<T>(ref: ConnectionRef, fn: () => Promise<T>): Promise<T> {
    const key = keyOf(ref);
    const holding = async () => {
      this.held.add(key);
      try {
        return await fn();
      } finally {
        this.held.delete(key);
      }
    };
    if (hasOwnConnectionLock(this.store)) return this.store.withConnectionLock(ref, holding);
    return withLock(this.lockPath(ref), holding, this.lockOptions);
  }

  /** The connection's saved cookie jar (tough-cookie's `toJSON()`), kept with its session. */
  async loadCookies(ref: ConnectionRef): Promise<unknown> {
    return this.pendingCookies.get(keyOf(ref)) ?? (await this.store.getSession(ref))?.cookies;
  }

  /**
   * Keeps the connection's cookie jar with its session. Without a stored session, or while this
   * process is renewing it (a token request may set cookies), the jar waits in memory and is
   * stored with the next session. The session itself is never changed here.
   */
  async saveCookies(ref: ConnectionRef, cookies: unknown): Promise<void> {
    const key = keyOf(ref);
    if (this.held.has(key)) {
      this.pendingCookies.set(key, cookies);
      return;
    }
    await this.withConnectionLock(ref, async () => {
      const current = await this.store.getSession(ref);
      if (!current) {
        this.pendingCookies.set(key, cookies);
        return;
      }
      await this.store.setSession(ref, { ...current, cookies });
      this.pendingCookies.delete(key);
    });
  }

  /** `<lockDir>/<connector>/<connection>.lock`, names made safe for the filesystem. */
  lockPath(ref: ConnectionRef): string {
    return join(this.lockDir, safeFileName(ref.connector), `${safeFileName(ref.connection)}.lock`);
  }

  /**
   * Single-flight: callers for one connection share one renewal. A 401 caller whose failed
   * session the shared renewal did not replace (it failed, or kept the old one) renews itself.
   */
  private async renew(binding: SessionBinding, reason: RenewReason, failed?: Session, strict = false, leadMs = 0): Promise<Session> {
    const key = keyOf(binding.ref);
    for (let running = this.inFlight.get(key); running; running = this.inFlight.get(key)) {
      if (reason !== 'unauthorized' || !failed) return running;
      const result = await running.catch(() => undefined);
      if (result && !isSameSession(result, failed)) return result;
    }
    const renewal = this.renewUnderLock(binding, reason, failed, strict, leadMs).finally(() => {
      if (this.inFlight.get(key) === renewal) this.inFlight.delete(key);
    });
    this.inFlight.set(key, renewal);
    return renewal;
  }

  /**
   * Renews under the connection's lock. When the home cannot be written (read-only, no
   * permission), neither the lock nor the new session can be: see {@link renewUnsaved}.
   */
  private async renewUnderLock(binding: SessionBinding, reason: RenewReason, failed?: Session, strict = false, leadMs = 0): Promise<Session> {
    let locked = false;
    try {
      return await this.renewLocked(binding, reason, failed, strict, leadMs, () => (locked = true));
    } catch (error) {
      if (locked || !isUnwritableError(error)) throw error;
      return this.renewUnsaved(binding, reason, failed, strict, leadMs, error);
    }
  }

  /**
   * A renewal whose session cannot be stored (the lock or the store is on a file system that
   * cannot be written). A renewal that would spend a refresh token is refused before any request:
   * a provider that rotates it would leave the stored token spent and the new one lost. Any other
   * (an api_key, basic or client_credentials session) is used for this process only.
   */
  private async renewUnsaved(binding: SessionBinding, reason: RenewReason, failed: Session | undefined, strict: boolean, leadMs: number, cause: unknown): Promise<Session> {
    const { ref, scheme } = binding;
    const current = await this.store.getSession(ref);
    if (current && this.isRenewedElsewhere(binding, current, reason, failed, leadMs)) return toSession(current);
    if (holdsRefreshToken(binding.ctx.secrets) || (current && holdsRefreshToken(current.secrets))) throw unsavableRefresh(ref, cause);
    let fresh: Session;
    try {
      fresh = await scheme.authenticate(binding.ctx, current ? toSession(current) : undefined);
    } catch (error) {
      return this.keepOrFail(binding, reason, current, error, strict);
    }
    this.log.debug(`The session of ${describe(ref)} is used unsaved: ${describeSystemError(cause) ?? 'the store cannot be written'}`);
    return toSession(toStoredSession(fresh, this.now(), scheme.name, current?.cookies, digestCredentials(scheme, binding.ctx.secrets)));
  }

  private async renewLocked(binding: SessionBinding, reason: RenewReason, failed: Session | undefined, strict: boolean, leadMs: number, onLocked: () => void): Promise<Session> {
    const { ref, scheme } = binding;
    const key = keyOf(ref);
    return this.withConnectionLock(ref, async () => {
      onLocked();
      const current = await this.store.getSession(ref);
      if (current && this.isRenewedElsewhere(binding, current, reason, failed, leadMs)) return toSession(current);
      let fresh: Session;
      try {
        fresh = await scheme.authenticate(binding.ctx, current ? toSession(current) : undefined);
      } catch (error) {
        return this.keepOrFail(binding, reason, current, error, strict);
      }
      const cookies = this.pendingCookies.has(key) ? this.pendingCookies.get(key) : current?.cookies;
      const stored = toStoredSession(fresh, this.now(), scheme.name, cookies, digestCredentials(scheme, binding.ctx.secrets));
      try {
        await this.store.setSession(ref, stored);
      } catch (error) {
        if (!isUnwritableError(error)) throw error;
        // The lock could be made but the store cannot be written: a spent refresh token is lost
        // now, and the user must hear it; anything else serves this process unsaved.
        if (holdsRefreshToken(binding.ctx.secrets) || (current && holdsRefreshToken(current.secrets)) || holdsRefreshToken(fresh.secrets)) {
          throw unsavableRefresh(ref, error);
        }
        this.log.debug(`The session of ${describe(ref)} is used unsaved: ${describeSystemError(error) ?? 'the store cannot be written'}`);
        return toSession(stored);
      }
      this.pendingCookies.delete(key);
      this.keptAfterFailure.delete(key);
      this.log.debug(`Renewed the session of ${describe(ref)}.`);
      const renewed = toSession(stored);
      this.madeHere.add(renewed);
      return renewed;
    });
  }

  /** After the re-read under the lock: does the stored session no longer need this renewal? */
  private isRenewedElsewhere(
    binding: SessionBinding,
    current: StoredSession,
    reason: RenewReason,
    failed?: Session,
    leadMs = 0,
  ): boolean {
    if (reason === 'unauthorized') return failed !== undefined && !isSameSession(current, failed);
    if (!madeFromCurrentCredentials(binding, current)) return false;
    return !this.isDue(binding, current, leadMs);
  }

  /** Inside its renewal window, moved `leadMs` earlier. */
  private isDue(binding: SessionBinding, session: StoredSession, leadMs: number): boolean {
    return isDueForRenewal(session, new Date(this.now().getTime() + leadMs), binding.refreshBefore ?? DEFAULT_REFRESH_BEFORE);
  }

  /**
   * DESIGN.md section 8, "Failed renewal": an unexpired session no 401 condemned is kept with a
   * warning; otherwise the renewal fails with the provider's error and what to do. The store is
   * left as it was either way.
   */
  private keepOrFail(
    binding: SessionBinding,
    reason: RenewReason,
    current: StoredSession | undefined,
    error: unknown,
    strict: boolean,
  ): Session {
    const { ref } = binding;
    if (current && reason !== 'unauthorized' && !hasExpired(current, this.now())) {
      if (strict) {
        this.keptAfterFailure.set(keyOf(ref), current);
        throw toRenewalError(binding, error, this.log, false);
      }
      this.log.warn(
        `Could not renew the session of ${describe(ref)} (${summarize(error)}); using the current one until it expires.`,
      );
      this.keptAfterFailure.set(keyOf(ref), current);
      return toSession(current);
    }
    throw toRenewalError(binding, error, this.log, current === undefined);
  }

  private isKeptAfterFailure(ref: ConnectionRef, stored: StoredSession): boolean {
    const kept = this.keptAfterFailure.get(keyOf(ref));
    return kept !== undefined && isSameSession(kept, stored) && !hasExpired(stored, this.now());
  }
}

/** True when a session's or the connection's secrets hold a refresh token (a value a provider may rotate). */
function holdsRefreshToken(secrets: Record<string, string>): boolean {
  return Object.keys(secrets).some((name) => /refresh/i.test(name) && secrets[name] !== '');
}

/** The refusal of a refresh-token renewal whose result could not be saved. */
function unsavableRefresh(ref: ConnectionRef, cause: unknown): SecretStoreError {
  return new SecretStoreError(
    `The session of ${describe(ref)} cannot be renewed: ${describeSystemError(cause) ?? 'the secret store cannot be written'} A renewal spends the refresh token, and the new one could not be saved.`,
    { cause },
  );
}

/**
 * The error a failed renewal ends with: a provider's `error`/`error_description` become an
 * {@link AuthError} carrying them, with a hint of what to do; other runtime errors pass unchanged.
 */
export function toRenewalError(binding: SessionBinding, error: unknown, log?: Logger, firstLogin = false): ConnectorsError {
  const { ref } = binding;
  const what = firstLogin ? `Logging in to ${describe(ref)}` : `Renewing the session of ${describe(ref)}`;
  if (error instanceof AuthError && error.providerError) {
    const description = error.providerErrorDescription ? `: ${error.providerErrorDescription}` : '';
    return new AuthError(`${what} failed (${error.providerError}${description}).`, {
      providerError: error.providerError,
      ...(error.providerErrorDescription ? { providerErrorDescription: error.providerErrorDescription } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      hint: error.hint ?? renewalHint(binding),
      cause: error,
    });
  }
  if (error instanceof ConnectorsError) return error;
  const invalidUrl = describeInvalidUrl(error);
  if (invalidUrl) return new AuthError(`${what} failed: ${invalidUrl}.`, { hint: renewalHint(binding), cause: error });
  log?.debug(`The ${binding.scheme.name} scheme failed: ${error instanceof Error ? error.message : String(error)}`);
  return new AuthError(`${what} failed with an unexpected error in the ${binding.scheme.name} scheme.`, {
    hint: renewalHint(binding),
  });
}

/**
 * A URL that does not parse (a `token_url` or login URL from the manifest), in words. Node's
 * `ERR_INVALID_URL` carries the text it was given; it comes from the manifest, not a secret.
 */
function describeInvalidUrl(error: unknown): string | undefined {
  if (!(error instanceof TypeError) || (error as { code?: string }).code !== 'ERR_INVALID_URL') return undefined;
  const input = (error as { input?: unknown }).input;
  return `${typeof input === 'string' ? `"${input}"` : 'a URL of the auth block'} is not a valid URL; check the URLs in the manifest's auth block`;
}

/** Grants that log in with the client's own credentials: no refresh token, no interactive login. */
const CLIENT_GRANTS = new Set(['client_credentials', 'jwt_bearer', 'password']);

/**
 * What to do after a failed renewal: a new refresh token or a new login for OAuth schemes that
 * use one; for a client_credentials or jwt_bearer grant, the client's credentials and the token URL.
 */
export function renewalHint(binding: SessionBinding): string {
  const { connector, connection } = binding.ref;
  const flag = connection === 'default' ? '' : ` --connection ${connection}`;
  const names = [...binding.scheme.injectedSecrets, ...binding.scheme.requiredSecrets].map((spec) => spec.name);
  const grant = binding.ctx.options?.grant_type;
  if (typeof grant === 'string' && CLIENT_GRANTS.has(grant)) {
    return `Check the auth block's token_url and the client credentials with "connectors secrets list ${connector}${flag}", and replace a wrong one with "connectors secrets set ${connector} <secret>${flag}".`;
  }
  if (names.includes('oauth_refresh_token')) {
    return `Set a new refresh token with "connectors secrets set ${connector} oauth_refresh_token${flag}" or log in again with "connectors auth login ${connector}${flag}".`;
  }
  return `Check the secrets with "connectors secrets list ${connector}${flag}" and replace a wrong one with "connectors secrets set ${connector} <secret>${flag}".`;
}

/** False when the user changed a required secret since the session was made (sessions of old versions carry no digest). */
function madeFromCurrentCredentials(binding: SessionBinding, stored: StoredSession): boolean {
  return stored.credentials === undefined || stored.credentials === digestCredentials(binding.scheme, binding.ctx.secrets);
}

function summarize(error: unknown): string {
  if (error instanceof AuthError && error.providerError) return error.providerError;
  if (error instanceof ConnectorsError) return error.message.replace(/\.$/, '');
  return 'an unexpected error';
}

function describe(ref: ConnectionRef): string {
  return ref.connection === 'default' ? ref.connector : `${ref.connector} (connection ${ref.connection})`;
}

function keyOf(ref: ConnectionRef): string {
  return `${ref.connector}\u0000${ref.connection}`;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
}
