/**
 * Renewal ahead of time (DESIGN.md section 9): `connectors serve` keeps one timer per stored
 * session and renews it when it enters its renewal window (section 8: `min(refresh_before,
 * lifetime / 2)` before expiry), up to 10 % of the window earlier as jitter and never later,
 * whether or not anything asks. Renewals go through the project's `SessionManager`
 * (`renewIfDue`: single-flight, the connection lock, a re-read that skips what another process
 * already renewed), so replicas and CLI runs on one store make one renewal per expiry. Failures
 * retry with backoff (1 s doubling to 5 min); a permanent refusal (`invalid_grant` ...) shows
 * `failing` with `lastError` and stops retrying until a secret of that connection changes, which a
 * periodic rescan of the store notices (it also picks up connections added meanwhile).
 */
import { createHash } from 'node:crypto';
import { CLOCK, LOGGER, SECRET_STORE, type Clock } from '../container.js';
import { listCatalog } from '../manifest/catalog.js';
import type { Logger } from '../plugin-api.js';
import { openConnection, openConnectorTarget } from '../runtime/open-connection.js';
import type { Project } from '../runtime/open-project.js';
import { secretEnvName } from '../secrets/env-name.js';
import { collectRequiredSecrets } from '../secrets/resolve.js';
import { isFileSafeName, type ConnectionRef, type SecretStore, type StoredSession } from '../secrets/store.js';
import { DEFAULT_REFRESH_BEFORE, isDueForRenewal, renewalWindowMs } from '../sessions/renewal-window.js';
import { describeRenewalFailure, renewalBackoffMs } from './renewal-failure.js';
import { connectionSecretSpecs } from '../auth/connection-secret-specs.js';

/** A served connection's state, as `GET /v1/connections` shows it. */
export type ConnectionStatus = 'fresh' | 'expiring' | 'failing' | 'expired' | 'missing' | 'static';

/** One served connection. Times are ISO-8601; `lastError` is a provider `error` or a runtime code. */
export interface ConnectionStatusEntry {
  connector: string;
  connection: string;
  scheme: string;
  status: ConnectionStatus;
  expiresAt?: string;
  renewedAt?: string;
  lastError?: string;
}

/** One renewal attempt: `refused` is a permanent refusal (no more retries until a secret changes). */
export interface RenewalEvent {
  connector: string;
  connection: string;
  result: 'ok' | 'error' | 'refused';
  ms: number;
  error?: string;
}

/** The timer functions RenewAhead uses; tests pass a manual one. */
export interface RenewAheadTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RenewAheadOptions {
  /** What `openProject()` gives: catalog, store, session manager (the container's). */
  project: Project;
  /** Epoch milliseconds. Default: the project's clock. */
  now?: () => number;
  /** Default: the project's logger. */
  log?: Logger;
  /** Default: the global `setTimeout`/`clearTimeout`, unref'd. */
  timers?: RenewAheadTimers;
  /** In [0, 1): the jitter. Default `Math.random`. */
  random?: () => number;
  /** How often the store is scanned for new connections and changed secrets. Default 15 s. */
  rescanMs?: number;
}

interface Tracked {
  ref: ConnectionRef;
  /** The catalog name to open the connector by. */
  catalogName: string;
  scheme: string;
  refreshBefore: number;
  session?: Pick<StoredSession, 'expiresAt' | 'issuedAt' | 'savedAt'>;
  lastError?: string;
  /** Set after a permanent refusal: the secrets and session it happened with. */
  refusedWith?: string;
  failures: number;
  /** How much earlier than the window the armed timer fires (its jitter), in ms. */
  leadMs: number;
  timer?: unknown;
  running?: Promise<void>;
}

/** A connector of the catalog, as the rescans need it. */
interface ServedConnector {
  catalogName: string;
  connector: string;
  scheme: string;
  refreshBefore: number;
  /** Some required secret is set in the environment: then `default` is served (DESIGN.md section 9). */
  envSuppliesSecrets: boolean;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const JITTER_SHARE = 0.1;

/** Keeps every stored session of a project fresh ahead of its expiry. */
export class RenewAhead {
  private readonly project: Project;
  private readonly store: SecretStore;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly timers: RenewAheadTimers;
  private readonly random: () => number;
  private readonly rescanMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners: ((event: RenewalEvent) => void)[] = [];
  private connectors?: ServedConnector[];
  private rescanTimer?: unknown;
  private rescanning?: Promise<void>;
  private stopped = false;

  constructor(options: RenewAheadOptions) {
    this.project = options.project;
    const { container } = options.project;
    this.store = container.resolve<SecretStore>(SECRET_STORE);
    const clock = container.resolve<Clock>(CLOCK);
    this.now = options.now ?? (() => clock.now().getTime());
    this.log = options.log ?? container.resolve<Logger>(LOGGER);
    this.timers = options.timers ?? defaultTimers;
    this.random = options.random ?? Math.random;
    this.rescanMs = options.rescanMs ?? 15_000;
  }

  /** Discovers every stored connection of the catalog's connectors and arms one timer per session. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.rescan();
    this.scheduleRescan();
  }

  /** Clears every timer and waits for the renewals in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rescanTimer !== undefined) this.timers.clearTimeout(this.rescanTimer);
    this.rescanTimer = undefined;
    for (const entry of this.tracked.values()) this.disarm(entry);
    await this.rescanning?.catch(() => undefined);
    await Promise.allSettled([...this.tracked.values()].map((entry) => entry.running));
  }

  /** Every served connection, sorted by connector then connection, with its status now. */
  list(): ConnectionStatusEntry[] {
    const now = this.now();
    return [...this.tracked.values()]
      .sort((a, b) => compare(a.ref.connector, b.ref.connector) || compare(a.ref.connection, b.ref.connection))
      .map((entry) => this.describe(entry, now));
  }

  /** True when this connection is tracked (what {@link list} would show), without building the list. */
  tracks(connector: string, connection: string): boolean {
    return this.tracked.has(keyOf({ connector, connection }));
  }

  /** Calls `listener` after every renewal attempt. */
  onRenewal(listener: (event: RenewalEvent) => void): void {
    this.listeners.push(listener);
  }

  /** A request renewed or used this connection's session (the proxy's 401 path): re-arm from the store. */
  touch(connector: string, connection: string): void {
    const entry = this.tracked.get(keyOf({ connector, connection }));
    if (!entry || this.stopped || entry.running) return;
    entry.running = this.refresh(entry)
      .catch((error: unknown) => this.log.warn(`Could not re-read the session of ${describeRef(entry.ref)} (${codeOf(error)}).`))
      .finally(() => {
        entry.running = undefined;
      });
  }

  /** Resolves when no renewal, touch or rescan is running (for tests and shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [this.rescanning, ...[...this.tracked.values()].map((entry) => entry.running)].filter(Boolean);
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  private describe(entry: Tracked, now: number): ConnectionStatusEntry {
    const { session } = entry;
    const described: ConnectionStatusEntry = {
      connector: entry.ref.connector,
      connection: entry.ref.connection,
      scheme: entry.scheme,
      status: 'missing',
    };
    if (session?.expiresAt !== undefined) described.expiresAt = session.expiresAt;
    if (session?.savedAt !== undefined) described.renewedAt = session.savedAt;
    if (entry.lastError !== undefined) {
      described.status = 'failing';
      described.lastError = entry.lastError;
    } else if (!session) described.status = 'missing';
    else if (session.expiresAt === undefined || Number.isNaN(Date.parse(session.expiresAt))) described.status = 'static';
    else if (now >= Date.parse(session.expiresAt)) described.status = 'expired';
    else if (isDueForRenewal(session, new Date(now), entry.refreshBefore)) described.status = 'expiring';
    else described.status = 'fresh';
    return described;
  }

  private scheduleRescan(): void {
    if (this.stopped) return;
    this.rescanTimer = this.timers.setTimeout(() => {
      this.rescanning = this.rescan()
        .catch((error: unknown) => this.log.warn(`Could not scan the store for connections (${codeOf(error)}).`))
        .finally(() => {
          this.rescanning = undefined;
          this.scheduleRescan();
        });
    }, this.rescanMs);
  }

  /** The catalog's connectors, read once at start: a changed catalog needs a restart of `serve`. */
  private async loadConnectors(): Promise<ServedConnector[]> {
    const connectors: ServedConnector[] = [];
    for (const catalogEntry of await listCatalog(this.project.catalogDir, { registry: this.project.registry })) {
      const target = await openConnectorTarget(this.project, { connector: catalogEntry.name });
      const names = collectRequiredSecrets(connectionSecretSpecs(target.registered.scheme, target.manifest), target.manifest.secrets).flatMap((spec) => [spec.name, ...(spec.aliases ?? [])]);
      connectors.push({
        catalogName: catalogEntry.name,
        connector: target.manifest.name,
        scheme: target.manifest.auth.scheme,
        refreshBefore: target.manifest.auth.refresh_before ?? DEFAULT_REFRESH_BEFORE,
        envSuppliesSecrets: names.some((name) => Boolean(this.project.env[secretEnvName(target.manifest.name, name)])),
      });
    }
    return connectors;
  }

  /** Picks up new connections, drops removed ones, and re-arms those whose session or secrets changed. */
  private async rescan(): Promise<void> {
    this.connectors ??= await this.loadConnectors();
    const seen = new Set<string>();
    for (const served of this.connectors) {
      const connections = new Set(await this.store.listConnections(served.connector));
      if (served.envSuppliesSecrets) connections.add('default');
      for (const connection of connections) {
        if (!isFileSafeName(connection)) continue;
        const ref = { connector: served.connector, connection };
        const key = keyOf(ref);
        seen.add(key);
        let entry = this.tracked.get(key);
        if (!entry) {
          entry = { ref, catalogName: served.catalogName, scheme: served.scheme, refreshBefore: served.refreshBefore, failures: 0, leadMs: 0 };
          this.tracked.set(key, entry);
        }
        if (entry.running || this.stopped) continue;
        await this.refresh(entry).catch((error: unknown) => this.log.warn(`Could not re-read the session of ${describeRef(ref)} (${codeOf(error)}).`));
      }
    }
    for (const [key, entry] of this.tracked) {
      if (seen.has(key) || entry.running) continue;
      this.disarm(entry);
      this.tracked.delete(key);
    }
  }

  /** Re-reads the stored session; lifts a permanent refusal once the secrets or session changed; re-arms. */
  private async refresh(entry: Tracked): Promise<void> {
    const stored = await this.store.getSession(entry.ref);
    const changedSession = stored?.savedAt !== entry.session?.savedAt;
    entry.session = summarize(stored);
    if (entry.refusedWith !== undefined) {
      if ((await this.fingerprint(entry.ref, stored)) === entry.refusedWith) return;
      entry.refusedWith = undefined;
      entry.lastError = undefined;
      entry.failures = 0;
    } else if (entry.failures > 0 && !changedSession) {
      return; // a backoff timer is armed
    } else if (changedSession) {
      entry.failures = 0;
      entry.lastError = undefined;
    }
    this.arm(entry);
  }

  /** One timer at the start of the renewal window, minus jitter; none without a session or expiry. */
  private arm(entry: Tracked, delayMs?: number): void {
    this.disarm(entry);
    if (this.stopped) return;
    let delay = delayMs;
    if (delay === undefined) {
      const { session } = entry;
      const expires = session?.expiresAt === undefined ? Number.NaN : Date.parse(session.expiresAt);
      if (!session || Number.isNaN(expires)) return; // missing: first use makes it; static: 401 renews it
      const window = renewalWindowMs(session, entry.refreshBefore);
      entry.leadMs = Math.floor(this.random() * JITTER_SHARE * window);
      delay = Math.max(0, expires - window - entry.leadMs - this.now());
    }
    entry.timer = this.timers.setTimeout(() => {
      entry.timer = undefined;
      if (this.stopped || entry.running) return;
      entry.running = this.renew(entry)
        .catch((error: unknown) => {
          this.log.warn(`Renewing the session of ${describeRef(entry.ref)} ahead of time failed (${codeOf(error)}); retrying.`);
          this.arm(entry, renewalBackoffMs(Math.max(1, entry.failures)));
        })
        .finally(() => {
          entry.running = undefined;
        });
    }, Math.min(delay, MAX_TIMER_MS));
  }

  private disarm(entry: Tracked): void {
    if (entry.timer !== undefined) this.timers.clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  /** Renews through the session manager; on failure backs off or, when refused for good, stops. */
  private async renew(entry: Tracked): Promise<void> {
    const started = this.now();
    const before = await this.store.getSession(entry.ref).catch(() => undefined);
    if (before?.expiresAt !== undefined && !isDueForRenewal(before, new Date(started + entry.leadMs), entry.refreshBefore) && entry.failures === 0) {
      entry.session = summarize(before); // renewed elsewhere since the timer was armed
      this.arm(entry);
      return;
    }
    try {
      const open = await openConnection(this.project, { connector: entry.catalogName, connection: entry.ref.connection });
      const { renewed } = await open.sessions.renewIfDue(open.binding, entry.leadMs);
      const after = await this.store.getSession(entry.ref);
      if (!after || (after.expiresAt !== undefined && isDueForRenewal(after, new Date(this.now()), entry.refreshBefore))) {
        throw new Error('the renewal left a session that is still due');
      }
      entry.session = summarize(after);
      entry.failures = 0;
      entry.lastError = undefined;
      entry.refusedWith = undefined;
      if (renewed) this.emit({ ...entry.ref, result: 'ok', ms: this.now() - started });
      this.arm(entry);
    } catch (error) {
      const failure = describeRenewalFailure(error);
      entry.failures += 1;
      entry.lastError = failure.code;
      entry.session = summarize(await this.store.getSession(entry.ref).catch(() => undefined)) ?? entry.session;
      const ms = this.now() - started;
      if (failure.permanent) {
        entry.refusedWith = await this.fingerprint(entry.ref, await this.store.getSession(entry.ref).catch(() => undefined));
        this.emit({ ...entry.ref, result: 'refused', ms, error: failure.code });
        return;
      }
      this.emit({ ...entry.ref, result: 'error', ms, error: failure.code });
      this.arm(entry, renewalBackoffMs(entry.failures));
    }
  }

  private emit(event: RenewalEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure never stops renewals
      }
    }
  }

  /** What a refusal depends on: the connection's stored secrets and its session (a new login replaces it). */
  private async fingerprint(ref: ConnectionRef, session: StoredSession | undefined): Promise<string> {
    const secrets = await this.store.getSecrets(ref);
    const sorted = Object.keys(secrets).sort().map((name) => [name, secrets[name]]);
    return createHash('sha256').update(JSON.stringify([sorted, session?.savedAt ?? null, session?.credentials ?? null])).digest('hex');
  }
}

const defaultTimers: RenewAheadTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

function summarize(session: StoredSession | undefined): Tracked['session'] {
  if (!session) return undefined;
  return {
    savedAt: session.savedAt,
    ...(session.expiresAt !== undefined ? { expiresAt: session.expiresAt } : {}),
    ...(session.issuedAt !== undefined ? { issuedAt: session.issuedAt } : {}),
  };
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unexpected error';
}

function describeRef(ref: ConnectionRef): string {
  return `${ref.connector}/${ref.connection}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOf(ref: ConnectionRef): string {
  return `${ref.connector}\u0000${ref.connection}`;
}
