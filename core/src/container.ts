/**
 * The composition root: tsyringe injection tokens, and the container a project's commands
 * resolve their collaborators from. Tests and embedders swap an implementation by registering
 * another value under the same token. Always explicit tokens; nothing relies on decorator metadata.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { SchemeRegistry } from './auth/registry.js';
import type { SecretStoreConfig } from './config/index.js';
import { createRuntimeHttpClient, type RuntimeHttpClientOptions } from './http/client.js';
import type { Redactor } from './http/redact.js';
import { createLogger } from './log/logger.js';
import type { HttpClient, Logger } from './plugin-api.js';
import { processRedactor } from './runtime/process-redactor.js';
import { assertKnownStoreType, fileStoreFolder, openSecretStore } from './secrets/open-secret-store.js';
import type { SecretStore } from './secrets/store.js';
import type { SecretStoreTypeRegistry } from './secrets/store-type-registry.js';
import { SessionManager } from './sessions/renew.js';

/** The scheme registry (`SchemeRegistry`). */
export const SCHEME_REGISTRY = Symbol('SchemeRegistry');
/** The secret store (`SecretStore`). */
export const SECRET_STORE = Symbol('SecretStore');
/** The session manager (`SessionManager`). */
export const SESSION_MANAGER = Symbol('SessionManager');
/** The HTTP client factory (`HttpClientFactory`). */
export const HTTP_CLIENT_FACTORY = Symbol('HttpClientFactory');
/** The clock (`Clock`). */
export const CLOCK = Symbol('Clock');
/** The logger (`Logger`). */
export const LOGGER = Symbol('Logger');
/** The redactor (`Redactor`). */
export const REDACTOR = Symbol('Redactor');
/** The runtime's home folder, `CONNECTORS_HOME` (a string). */
export const CONNECTORS_HOME = Symbol('ConnectorsHome');

/** The time source. Tests register a fixed one. */
export interface Clock {
  now(): Date;
}

/** Makes the HTTP clients of a run: with auth for the connector's requests, without for token requests. */
export type HttpClientFactory = (options: RuntimeHttpClientOptions) => HttpClient;

/** What {@link createProjectContainer} registers. */
export interface ProjectContainerOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  registry: SchemeRegistry;
  /** `secret_store:` of connectors.config.yaml: `{type: file, path?}` (path relative to `configDir`). */
  secretStore?: SecretStoreConfig;
  configDir?: string;
  /** The secret store kinds `secret_store.type` may name: the built-in ones and the loaded plugins'. */
  storeTypes?: SecretStoreTypeRegistry;
}

/**
 * A child container with the runtime's default registrations: the registry, the secret store
 * `secret_store:` names (the file store under `home` or `secret_store.path`, or PostgreSQL), a {@link SessionManager} on that store, the got-based HTTP client factory, the
 * system clock, the stderr logger and the process redactor.
 */
export function createProjectContainer(options: ProjectContainerOptions): DependencyContainer {
  assertKnownStoreType(options.secretStore, options.storeTypes);
  const storeFolder = fileStoreFolder(options.secretStore, options) ?? options.home;
  const container = rootContainer.createChildContainer();
  container.register(CONNECTORS_HOME, { useValue: options.home });
  container.register(SCHEME_REGISTRY, { useValue: options.registry });
  container.register(REDACTOR, { useValue: processRedactor });
  container.register<Clock>(CLOCK, { useValue: { now: () => new Date() } });
  container.register<Logger>(LOGGER, {
    useFactory: instanceCachingFactory((c) => {
      const redactor = c.resolve<Redactor>(REDACTOR);
      return createLogger({ redact: (text) => redactor.redact(text) });
    }),
  });
  container.register<HttpClientFactory>(HTTP_CLIENT_FACTORY, { useValue: createRuntimeHttpClient });
  container.register<SecretStore>(SECRET_STORE, {
    useFactory: instanceCachingFactory(() =>
      openSecretStore(options.secretStore, {
        home: options.home,
        env: options.env,
        configDir: options.configDir,
        types: options.storeTypes,
        addSecret: (value) => processRedactor.addDerived(value),
        redact: (text) => processRedactor.redact(text),
      }),
    ),
  });
  container.register<SessionManager>(SESSION_MANAGER, {
    useFactory: instanceCachingFactory((c) => {
      const clock = c.resolve<Clock>(CLOCK);
      return new SessionManager({
        store: c.resolve<SecretStore>(SECRET_STORE),
        lockDir: join(storeFolder, 'locks'), // beside the store (DESIGN.md section 8 "Lock")
        now: () => clock.now(),
        log: c.resolve<Logger>(LOGGER),
      });
    }),
  });
  return container;
}
