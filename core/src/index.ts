/**
 * `@connectors/core`: the connector runtime. Everything public is exported from here; each
 * export carries its TSDoc where it is defined.
 *
 * - Running connectors: {@link openProject}, {@link runConnector}, {@link checkConnector}.
 * - Writing auth-scheme plugins: {@link defineAuthScheme} and the types of `plugin-api.ts`.
 * - Writing secret store plugins: {@link SecretStoreType} (the module's default export) making a
 *   {@link SecretStore}; `describeSecretStoreConformance` from `@connectors/core/testing` checks it.
 * - Embedding: the tokens of `container.ts` swap the store, session manager, HTTP client and clock.
 * @packageDocumentation
 */

// The plugin API and errors.
export * from './plugin-api.js';
export * from './errors.js';
export { renderSchemeTemplates, type SchemeTemplateValues } from './auth/render-scheme-templates.js';
export { describeSystemError, isStackOverflow, isUnwritableError } from './describe-system-error.js';

// Composition root.
export {
  SCHEME_REGISTRY,
  SECRET_STORE,
  SESSION_MANAGER,
  HTTP_CLIENT_FACTORY,
  CLOCK,
  LOGGER,
  REDACTOR,
  CONNECTORS_HOME,
  createProjectContainer,
  type Clock,
  type HttpClientFactory,
  type ProjectContainerOptions,
} from './container.js';

// What the CLI does, as library calls.
export { openProject, type Project } from './runtime/open-project.js';
export { resolveProject, resolveHomeDir, type ResolvedProject, type ProjectOptions } from './runtime/resolve-project.js';
export {
  openConnection,
  openConnectorTarget,
  type ConnectionOptions,
  type ConnectorTarget,
  type OpenConnection,
} from './runtime/open-connection.js';
export { runConnector, type RunConnectorOptions } from './runtime/run-connector.js';
export { checkConnector, type CheckResult } from './runtime/check-connector.js';
export { setConnectionSecret, listConnectionSecrets, deleteConnectionSecret } from './runtime/connection-secrets.js';
/** `connectors config set/list/unset`: non-secret values stored with a connection (DESIGN.md section 12). */
export {
  setConnectionConfig,
  listConnectionConfig,
  unsetConnectionConfig,
  type ConfigValueDescription,
  type ConfigValueSource,
  type SetConfigResult,
} from './runtime/connection-config.js';
/** Where per-connection config is stored: one reserved entry of the connection's secret-store record. */
export { CONNECTION_CONFIG_ENTRY, readConnectionConfig, writeConnectionConfig } from './config/connection-config.js';
export { loginConnection, logoutConnection, describeAuthStatus, type LoginOptions, type AuthStatus } from './runtime/auth-commands.js';
export { describeSchemes, type SchemeDescription } from './runtime/describe-schemes.js';
export { processRedactor, redactText, shortenRedactedText } from './runtime/process-redactor.js';
export { copyStore, copyStoreContents, describeCopy, type CopyCounts, type CopyStoreOptions, type CopyStoreResult, type CopyStoreContentsOptions } from './runtime/copy-store.js';
export { parseCopyTarget, openCopyTarget, describeCopyTarget, assertNotSourceStore, DEFAULT_COPY_SCHEMA, type CopyTarget, type StoreContents, type OpenCopyTargetOptions, type SourceStoreLocation } from './runtime/copy-target.js';
export { createLogger, isDebugEnabled, type LoggerOptions } from './log/logger.js';

// Manifests, validation, project config.
export type * from './manifest/types.js';
export { validatePaths, type PathsValidation } from './manifest/validate-paths.js';
export { validateManifestFile, type ManifestValidation, type ValidateManifestOptions } from './manifest/validate.js';
export { loadManifest, type LoadManifestOptions } from './manifest/load-manifest.js';
export { findManifests, MANIFEST_FILE, type ManifestLocation } from './manifest/find-manifests.js';
export { listCatalog, type CatalogEntry } from './manifest/catalog.js';
export { formatProblem, type Problem } from './manifest/problem.js';
export {
  loadProjectConfig,
  PROJECT_CONFIG_FILE,
  resolveCatalogDir,
  resolveManifestPath,
  resolveConnectorConfig,
  parseConfigFlags,
  resolveAuthOptions,
  type ProjectConfig,
} from './config/index.js';
export { MANIFEST_SCHEMA_ID, PROJECT_CONFIG_SCHEMA_ID } from './schema/validators.js';
/** `connectors schema` as library calls: the manifest schema with the project's plugin schemes, for editors. */
export { buildConnectorSchema, writeConnectorSchema, LOCAL_CONNECTOR_SCHEMA_FILE } from './schema/connector-schema.js';

// Templates.
export {
  compileTemplate,
  compileTemplateTree,
  TemplateSyntaxError,
  type CompiledTemplate,
  type CompiledTree,
  type TemplateContext,
  type TemplateNamespace,
  type TemplateReference,
} from './templates/index.js';

// Schemes and plugins.
export { SchemeRegistry, type RegisteredScheme } from './auth/registry.js';
export { builtInSchemes, createBuiltInRegistry } from './auth/schemes/index.js';
export { loadPlugin, loadPlugins, locatePluginPackage, checkAuthScheme, type LoadedPlugin, type PluginSource } from './auth/plugins.js';
export { checkSecretStoreType } from './plugins/store-modules.js';
/** `connectors plugins install/uninstall/list` as library calls: npm into `<home>/plugins`, validated, rolled back on failure. */
export {
  describePlugins,
  installPlugin,
  loadInstalledPlugins,
  parsePluginSpec,
  pluginsFolder,
  readInstalledPluginNames,
  uninstallPlugin,
  type InstallPluginOptions,
  type PluginDescription,
  type PluginSpec,
  type UninstallPluginOptions,
} from './plugins/index.js';
export { noneScheme } from './auth/schemes/none.js';
export { basicScheme } from './auth/schemes/basic.js';
export { apiKeyScheme } from './auth/schemes/api-key.js';
export { oauth2Scheme } from './auth/schemes/oauth2.js';
export { jwtScheme } from './auth/schemes/jwt.js';
export { tripletexScheme } from './auth/schemes/tripletex.js';
export { superofficeScheme } from './auth/schemes/superoffice.js';
export { awsSigv4Scheme } from './auth/schemes/aws-sigv4.js';
export { oauth1Scheme } from './auth/schemes/oauth1.js';
export { jwtSignedScheme } from './auth/schemes/jwt-signed.js';
export { githubAppScheme } from './auth/schemes/github-app.js';
export {
  clientCredentialsGrant,
  refreshTokenGrant,
  authorizationCodeGrant,
  jwtBearerGrant,
  processTokenResponse,
  type TokenSet,
  type TokenEndpoint,
} from './auth/oauth/token-request.js';
export { generateCodeVerifier, calculateCodeChallenge, generateState } from './auth/oauth/pkce.js';
export { buildAuthorizationUrl } from './auth/oauth/authorize-url.js';
export { startLoopbackListener, type LoopbackListener } from './auth/oauth/loopback.js';
export { computeSessionExpiration } from './auth/tripletex/session-expiration.js';
export { parseRsaPrivateKey, rsaXmlToJwk } from './auth/superoffice/private-key.js';
export { signSystemToken, formatSystemTokenTimestamp } from './auth/superoffice/sign-system-token.js';

// HTTP.
export {
  createRuntimeHttpClient,
  USER_AGENT,
  type RuntimeHttpClient,
  type RuntimeHttpClientOptions,
  type HttpTimeouts,
} from './http/client.js';
export type { RequestAuth } from './http/hooks.js';
export type { RuntimeHttpRequestOptions } from './http/types.js';
export { Redactor, REDACTED, MIN_REDACTED_LENGTH } from './http/redact.js';
export { shortenRedacted, ELLIPSIS, type ShortenOptions, type TextRedactor } from './http/shorten-redacted.js';
export { computeRetryDelay, isRetryableStatus, parseRetryAfter, DEFAULT_RETRY_LIMIT } from './http/retry.js';

// Secrets and sessions.
export { secretEnvName } from './secrets/env-name.js';
export { isTooShortToRedact } from './secrets/short-secret-warning.js';
export {
  setSecretAndDiscardSession,
  hasOwnConnectionLock,
  compareRefs,
  type SecretStore,
  type ConnectionRef,
  type StoredSession,
  type StoredCaller,
  type RekeyCounts,
} from './secrets/store.js';
export { FileStore, type FileStoreOptions } from './secrets/file-store.js';
export { MemoryStore } from './secrets/memory-store.js';
export { PostgresStore, type PostgresStoreOptions } from './secrets/postgres/postgres-store.js';
export { toRowKey, type RowKey } from './secrets/postgres/row-cipher.js';
export { keyIdOf } from './secrets/store-key.js';
export { openSecretStore, readPreviousKeys, DATABASE_URL_ENV, PREVIOUS_KEYS_ENV, BUILT_IN_STORE_TYPES, type OpenSecretStoreOptions } from './secrets/open-secret-store.js';
export type { SecretStoreType, SecretStoreContext } from './secrets/store-type.js';
export { SecretStoreTypeRegistry, type RegisteredStoreType } from './secrets/store-type-registry.js';
export { CommandStore, type CommandStoreOptions } from './secrets/command/command-store.js';
export { parseCommandStoreConfig, type CommandStoreConfig } from './secrets/command/command-store-config.js';
export {
  resolveSecrets,
  secretNamesOf,
  describeSecrets,
  assertNoMissingSecrets,
  type ResolvedSecrets,
  type SecretDescription,
} from './secrets/resolve.js';
export { MissingSecretError } from './secrets/missing-secret-error.js';
export { acquireLock, withLock, type LockOptions, type LockHandle } from './sessions/lock.js';
export { SessionManager, type SessionBinding, type SessionManagerOptions } from './sessions/renew.js';

// Streams and output.
export { syncStreams, selectStreams, type SyncStreamsOptions, type SyncResult } from './streams/sync.js';
export { readStream, type ReadStreamOptions, type StreamEvent, type StreamTemplateValues } from './streams/runner.js';
export { FileStateStore, loadStateFile, type StateStore, type StateValue } from './streams/state.js';
export { SecretStoreStates, stateStoreFor } from './streams/secret-store-states.js';
export { createPaginator, type Paginator, type PageToken, type PageResult } from './streams/pagination/index.js';
export { parseLinkHeader } from './streams/pagination/link-header.js';
export { SingerWriter } from './output/singer-writer.js';
export { JsonlWriter } from './output/jsonl-writer.js';
export { ProgressReporter } from './output/progress.js';
export type { OutputWriter, StreamOutputInfo } from './output/output-writer.js';

// Destinations (`run --destination D`, the workers' jobs): where records go instead of stdout.
/**
 * `parseDestination(text)` checks a destination's spelling (`postgres`, `postgres:<url>`,
 * `dir:<path>`, `command:<target>`; exit 2 otherwise), `openDestination(spec, {project,
 * connector, connection})` opens it for one connection as an {@link OutputWriter} that also
 * commits the run's state with its records ({@link Destination}).
 */
export {
  openDestination,
  parseDestination,
  describeDestination,
  splitCommandLine,
  DirDestination,
  DEFAULT_DESTINATION_SCHEMA,
  DESTINATION_FORMS,
  type Destination,
  type DestinationContext,
  type DestinationSpec,
  type DirDestinationOptions,
  type OpenDestinationOptions,
} from './destinations/index.js';

// The credential service (`connectors serve`): callers and renewal ahead of time.
export {
  createCallerAuthenticator,
  callerAllows,
  type Caller,
  type CallerGrants,
  type CallerAuthenticator,
  type CallerAuthenticatorOptions,
  type OidcCallerConfig,
} from './serve/callers.js';
export { generateCallerKey, hashCallerKey, findCallerByKey, CALLER_KEY_PREFIX } from './serve/caller-keys.js';
export { isAllowGlob, allowGlobMatches, subjectMatches } from './serve/caller-globs.js';
export { isCallerName, MAX_CALLER_NAME_LENGTH } from './serve/caller-names.js';
export { checkOidcCallerConfig, isAcceptableIssuerUrl, OIDC_CLOCK_TOLERANCE_SECONDS } from './serve/oidc-callers.js';
export { addCaller, listCallers, removeCaller, type AddCallerOptions, type CallerDescription } from './serve/manage-callers.js';
export {
  RenewAhead,
  type RenewAheadOptions,
  type RenewAheadTimers,
  type ConnectionStatus,
  type ConnectionStatusEntry,
  type RenewalEvent,
} from './serve/renew-ahead.js';
export { describeRenewalFailure, renewalBackoffMs, type RenewalFailure } from './serve/renewal-failure.js';

// The credential service (`connectors serve`): the server, its options, the proxy's rules.
export { startServe, DRAIN_TIMEOUT_MS, type ServeHandle, type StartServeOptions } from './serve/server.js';
export {
  resolveServeOptions,
  isLoopbackHost,
  DEFAULT_SERVE_HOST,
  DEFAULT_SERVE_PORT,
  DEFAULT_UPSTREAM_TIMEOUT_SECONDS,
  type ServeFlags,
  type ServeOptions,
} from './serve/serve-options.js';
export { checkProxyPath, proxyAllows, type ProxyPath } from './serve/proxy-path.js';
export { forwardableHeaders, REPLAYABLE_BODY_BYTES } from './serve/proxy.js';
export { createAuditLog, type AuditLog, type RequestAuditEntry } from './serve/audit.js';
export type { ServeConfig } from './config/project-config.js';
export type { ProxyRule } from './manifest/types.js';

// Runs on many machines (DESIGN.md section 11): the job queue on the PostgreSQL store, workers, schedules.
export {
  JobQueue,
  MAX_RETRIES,
  Worker,
  RecordCounter,
  locateQueueDatabase,
  checkCron,
  nextFiring,
  parseDuration,
  resolveJobSpec,
  checkJobDestination,
  DEFAULT_JOB_DESTINATION,
  describeJobError,
  runJob,
  openJobQueue,
  enqueueRun,
  addSchedule,
  listSchedules,
  removeSchedule,
  listJobs,
  runWorker,
  type JobState,
  type JobSpec,
  type JobSummary,
  type ScheduleSummary,
  type ClaimedJob,
  type AttemptOutcome,
  type ClaimResult,
  type JobQueueOptions,
  type JobRunner,
  type WorkerOptions,
  type QueueDatabase,
  type JobRunOptions,
  type RunWorkerOptions,
} from './jobs/index.js';
