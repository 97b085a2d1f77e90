/**
 * The connectors and connections `connectors serve` serves (DESIGN.md section 9): every connector
 * of the catalog, and per connector the connections RenewAhead tracks (anything stored, plus
 * `default` when the environment supplies its secrets) or that the store holds now. Opened
 * connections (manifest, secrets, session binding, cookie jar) are kept for a few seconds, so a
 * burst of requests shares one, and a changed secret is seen soon after. A session a request made
 * or renewed (first use, or inside its renewal window) is told to RenewAhead, so its timer is armed
 * at once rather than at the next rescan of the store.
 */
import { SECRET_STORE } from '../container.js';
import { listCatalog } from '../manifest/catalog.js';
import { openConnection, type OpenConnection } from '../runtime/open-connection.js';
import type { Project } from '../runtime/open-project.js';
import { isFileSafeName, type SecretStore } from '../secrets/store.js';
import type { RenewAhead } from './renew-ahead.js';

const OPEN_TTL_MS = 5_000;
const CATALOG_TTL_MS = 10_000;

interface Opened {
  at: number;
  open: Promise<OpenConnection>;
}

/** Looks up and opens served connections. */
export class ServedConnections {
  private readonly store: SecretStore;
  private readonly opened = new Map<string, Opened>();
  private catalog?: { at: number; names: Promise<Set<string>> };

  constructor(
    private readonly project: Project,
    private readonly renewAhead: RenewAhead,
  ) {
    this.store = project.container.resolve<SecretStore>(SECRET_STORE);
  }

  /** True when the catalog has the connector and the connection is served. */
  async exists(connector: string, connection: string): Promise<boolean> {
    if (!isFileSafeName(connection) || !(await this.connectorNames()).has(connector)) return false;
    if (this.renewAhead.tracks(connector, connection)) return true;
    return (await this.store.listConnections(connector)).includes(connection);
  }

  /** The opened connection (cached a few seconds); a failure (missing secret ...) is not cached. */
  open(connector: string, connection: string): Promise<OpenConnection> {
    const key = `${connector}\u0000${connection}`;
    const now = Date.now();
    const cached = this.opened.get(key);
    if (cached && now - cached.at < OPEN_TTL_MS) return cached.open;
    const open = openConnection(this.project, { connector, connection }).then((opened) => this.noticingNewSessions(opened, connector, connection));
    this.opened.set(key, { at: now, open });
    open.catch(() => {
      if (this.opened.get(key)?.open === open) this.opened.delete(key);
    });
    return open;
  }

  /** Wraps `getSession` so a session RenewAhead does not know yet re-arms its timer. */
  private noticingNewSessions(opened: OpenConnection, connector: string, connection: string): OpenConnection {
    const getSession = opened.getSession;
    const noticed: OpenConnection['getSession'] = async () => {
      const session = await getSession();
      const expires = session.expiresAt === undefined ? undefined : new Date(session.expiresAt).getTime();
      const tracked = this.renewAhead.list().find((entry) => entry.connector === connector && entry.connection === connection);
      const known = tracked?.expiresAt === undefined ? undefined : Date.parse(tracked.expiresAt);
      if (tracked && expires !== known) this.renewAhead.touch(connector, connection);
      return session;
    };
    return { ...opened, getSession: noticed };
  }

  private connectorNames(): Promise<Set<string>> {
    const now = Date.now();
    if (!this.catalog || now - this.catalog.at >= CATALOG_TTL_MS) {
      const names = listCatalog(this.project.catalogDir, { registry: this.project.registry }).then((entries) => new Set(entries.map((entry) => entry.name)));
      this.catalog = { at: now, names };
      names.catch(() => {
        this.catalog = undefined;
      });
    }
    return this.catalog.names;
  }
}
