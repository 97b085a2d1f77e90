import type { CookieJar } from 'tough-cookie';
import type { RegisteredScheme } from '../auth/registry.js';
import { readConnectionConfig, resolveAuthOptions, resolveConnectorConfig, resolveManifestPath } from '../config/index.js';
import { ManifestError, UsageError } from '../errors.js';
import { CLOCK, HTTP_CLIENT_FACTORY, LOGGER, REDACTOR, SECRET_STORE, SESSION_MANAGER, type Clock, type HttpClientFactory } from '../container.js';
import { restoreCookieJar, serializeCookieJar } from '../http/cookie-jar.js';
import type { Redactor } from '../http/redact.js';
import { RateLimiter } from '../http/rate-limit.js';
import { loadManifest } from '../manifest/load-manifest.js';
import type { Manifest } from '../manifest/types.js';
import type { AuthContext, HttpClient, Logger, Session } from '../plugin-api.js';
import { assertNoMissingSecrets, resolveSecrets, type ResolvedSecrets } from '../secrets/resolve.js';
import { warnAboutShortEnvironmentSecrets } from '../secrets/short-secret-warning.js';
import { isFileSafeName, MAX_FILE_SAFE_NAME_LENGTH, quoteName, type ConnectionRef, type SecretStore } from '../secrets/store.js';
import type { SessionManager, SessionBinding } from '../sessions/renew.js';
import { DEFAULT_REFRESH_BEFORE, isDueForRenewal } from '../sessions/renewal-window.js';
import { compileTemplate } from '../templates/index.js';
import type { Project } from './open-project.js';
import { connectionSecretSpecs } from '../auth/connection-secret-specs.js';
import { privateKeyMaterial, readTlsClientCertificate, type TlsClientCertificate } from './tls-client-certificate.js';

/** What a command says about the connection it works on. */
export interface ConnectionOptions {
  /** A catalog name, or a path to a manifest (holds `/` or ends in .yaml/.yml). */
  connector: string;
  /** Default `default`. */
  connection?: string;
  /** `--config KEY=VALUE` pairs, values as typed. */
  config?: Record<string, string>;
  /**
   * For `connectors config`: the config is resolved with defaults but not checked, so a required
   * value can be set and a key the schema no longer declares can be unset.
   */
  lenientConfig?: boolean;
}

/** A manifest, its config, where its secrets live: enough to list or change secrets. */
export interface ConnectorTarget {
  manifestFile: string;
  manifest: Manifest;
  registered: RegisteredScheme;
  config: Record<string, unknown>;
  ref: ConnectionRef;
  store: SecretStore;
  sessions: SessionManager;
  log: Logger;
  redactor: Redactor;
  now: () => Date;
  createHttpClient: HttpClientFactory;
}

/** A connection ready to make requests: secrets resolved, sessions managed, HTTP with auth. */
export interface OpenConnection extends ConnectorTarget {
  secrets: ResolvedSecrets;
  ctx: AuthContext;
  binding: SessionBinding;
  /** The client for the connector's requests: auth applied, 401 renewed once, retries, redaction. */
  http: HttpClient;
  /** The TLS client certificate every HTTPS request of the connection presents (mutual TLS), if its scheme has one. */
  tlsClientCertificate?: TlsClientCertificate;
  /** A session fresh enough to use (stored, or renewed now). Its secrets join the redactor. */
  getSession(): Promise<Session>;
  /** The connection's cookies (restored from its session); `http` sends and keeps them. */
  cookieJar: CookieJar;
  /** Keeps the cookie jar with the session for the next process. */
  saveCookies(): Promise<void>;
  /**
   * The `secrets` (the connection's, then the session's) and `auth` templates read with a session.
   * An optional secret set nowhere holds `null`: a header or query parameter reading it is left out.
   */
  forSession(session: Session): { secrets: Record<string, string | null>; auth: Record<string, unknown> };
}

/**
 * Loads a connector's manifest and config (`--config`, the connection's stored config, the project
 * config, the schema defaults) and opens its secret store, without touching secrets: what
 * `secrets list/set/delete`, `config` and `auth logout` need.
 */
export async function openConnectorTarget(project: Project, options: ConnectionOptions): Promise<ConnectorTarget> {
  const connection = checkConnectionName(options.connection ?? 'default');
  const manifestFile = resolveManifestPath(options.connector, project.catalogDir);
  const manifest = await loadManifest(manifestFile, { registry: project.registry });
  const registered = project.registry.get(manifest.auth.scheme);
  if (!registered) throw new ManifestError(`${manifestFile}: unknown auth scheme "${manifest.auth.scheme}".`);
  const { container } = project;
  const ref = { connector: manifest.name, connection };
  const store = container.resolve<SecretStore>(SECRET_STORE);
  const config = resolveConnectorConfig(manifest, {
    overrides: options.config,
    connectionValues: await readConnectionConfig(store, ref),
    lenient: options.lenientConfig === true,
    projectValues: project.config?.config?.[manifest.name] as Record<string, unknown> | undefined,
  });
  const clock = container.resolve<Clock>(CLOCK);
  return {
    manifestFile,
    manifest,
    registered,
    config,
    ref,
    store,
    sessions: container.resolve<SessionManager>(SESSION_MANAGER),
    log: container.resolve<Logger>(LOGGER),
    redactor: container.resolve<Redactor>(REDACTOR),
    now: () => clock.now(),
    createHttpClient: container.resolve<HttpClientFactory>(HTTP_CLIENT_FACTORY),
  };
}

/**
 * A connection name every command accepts alike: it also names the connection's state file and
 * lock, so `secrets set --connection X` never stores what `run --connection X` would refuse.
 */
export function checkConnectionName(name: string): string {
  if (!isFileSafeName(name)) {
    throw new UsageError(
      `${quoteName(name)} is not a valid connection name (up to ${MAX_FILE_SAFE_NAME_LENGTH} letters, digits, "_", "-" and ".", not starting with "." or "-", not __proto__, constructor or prototype).`,
    );
  }
  return name;
}

/** `base_url` rendered with `config` only, for schemes that derive URLs from it (tripletex). */
function renderBaseUrl(manifest: Manifest, config: Record<string, unknown>): string | undefined {
  if (manifest.base_url === undefined) return undefined;
  try {
    return compileTemplate(manifest.base_url).render({ config });
  } catch {
    return undefined; // it needs `auth.*` (e.g. SuperOffice's webapi_url): known only after login
  }
}

/**
 * Opens a connection for `run` and `check`: resolves its secrets (environment, then store;
 * missing ones are an error naming their env var), builds the scheme's context and the HTTP
 * client whose hooks apply the session and renew it after a 401.
 */
export async function openConnection(
  project: Project,
  options: ConnectionOptions,
  /** The target, when the caller already opened it (to check its own arguments first). */
  opened?: ConnectorTarget,
): Promise<OpenConnection> {
  const target = opened ?? (await openConnectorTarget(project, options));
  const { manifest, registered, config, ref, store, sessions, log, redactor, now, createHttpClient } = target;
  const secrets = await resolveSecrets({
    connector: manifest.name,
    connection: ref.connection,
    scheme: connectionSecretSpecs(registered.scheme, manifest),
    declared: manifest.secrets,
    store,
    env: project.env,
  });
  redactor.addAll(secrets.secrets);
  warnAboutShortEnvironmentSecrets(log, manifest.name, secrets);
  assertNoMissingSecrets(secrets, manifest.name, ref.connection);

  const baseUrl = renderBaseUrl(manifest, config);
  const authOptions = resolveAuthOptions(manifest, project.registry, config);
  // Mutual TLS: checked before any request, and presented on token and API requests alike.
  const tlsClientCertificate = readTlsClientCertificate(registered.scheme, {
    connector: manifest.name,
    connection: ref.connection,
    options: authOptions,
    secrets: secrets.secrets,
    log,
    now,
  });
  if (tlsClientCertificate) redactor.addAll(privateKeyMaterial(tlsClientCertificate));
  const tls = tlsClientCertificate ? { tlsClientCertificate } : {};
  const ctx: AuthContext = {
    connector: manifest.name,
    connection: ref.connection,
    options: authOptions,
    secrets: secrets.secrets,
    config: baseUrl === undefined ? config : { base_url: baseUrl, ...config },
    http: createHttpClient({ redactor, logger: log, retry: manifest.retry, ...tls }),
    log,
    now,
  };
  const binding: SessionBinding = { ref, scheme: registered.scheme, ctx, refreshBefore: manifest.auth.refresh_before };
  // The run holds its session in memory, as any HTTP client holds its token: each request uses it
  // until it is due for renewal (then the store is read again, and renewed under the lock if it
  // must be) or a 401 replaces it. Reading the store per request cost a fifth of a run's time.
  let held: Session | undefined;
  const remember = (session: Session): Session => {
    redactor.addAll(session.secrets);
    held = session;
    return session;
  };
  const getSession = async () =>
    held && !isDueForRenewal(held, now(), binding.refreshBefore ?? DEFAULT_REFRESH_BEFORE) ? held : remember(await sessions.getSession(binding));
  const cookieJar: CookieJar = await restoreCookieJar(await sessions.loadCookies(ref));
  // One bucket and one pause for all the connection's requests (its token requests are not counted).
  const rateLimiter = new RateLimiter({
    ...(manifest.rate_limit ? { limit: manifest.rate_limit } : {}),
    logger: log,
    label: `connector "${manifest.name}", connection "${ref.connection}"`,
  });
  const http = createHttpClient({
    redactor,
    logger: log,
    retry: manifest.retry,
    cookieJar,
    rateLimiter,
    ...tls,
    // With `apply: false` the manifest's templates write the credentials; a 401 still renews once (DESIGN section 5).
    auth: {
      getSession,
      renewAfterUnauthorized: async (failed) => remember(await sessions.renewAfterUnauthorized(binding, failed)),
      apply: manifest.auth.apply === false ? () => undefined : (request, session) => registered.scheme.apply(request, session, ctx),
    },
  });
  const unset = Object.fromEntries(secrets.unset.map((name) => [name, null]));
  const forSession = (session: Session) => ({ secrets: { ...unset, ...secrets.secrets, ...session.secrets }, auth: session.values ?? {} });
  const saveCookies = async () => {
    const serialized = JSON.parse(await serializeCookieJar(cookieJar)) as { cookies?: unknown[] };
    if (serialized.cookies?.length) await sessions.saveCookies(ref, serialized);
  };
  return { ...target, secrets, ctx, binding, http, ...tls, getSession, cookieJar, saveCookies, forSession };
}
