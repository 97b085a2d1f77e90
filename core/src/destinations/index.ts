/**
 * Destinations (DESIGN.md section 11): where `connectors run --destination D` and the workers'
 * jobs write records instead of Singer lines on stdout, each owning how the run's state is
 * committed with its records.
 *
 * - `dir:PATH`: `PATH/<connector>/<connection>/<stream>.jsonl`, appended per run, and `state.json`
 *   beside them ({@link DirDestination}).
 * - `postgres` / `postgres:<url>`: a table per stream, upserted on `(_connection, _pk)`, the state
 *   committed with its batch ({@link PostgresDestination}).
 * - `command:<target>`: Singer lines into a Singer target's stdin; its exit status decides
 *   ({@link CommandDestination}).
 *
 * {@link parseDestination} checks the spelling (exit 2 for an unknown scheme, before anything
 * runs); {@link openDestination} opens one for a connection. Other modules use only this file.
 */
import { LOGGER, REDACTOR, SECRET_STORE } from '../container.js';
import { DestinationError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { addUrlPassword, DATABASE_URL_ENV } from '../secrets/built-in-store-types.js';
import { describePgUrl } from '../secrets/postgres/describe-pg-error.js';
import type { Redactor } from '../http/redact.js';
import type { Logger } from '../plugin-api.js';
import type { Project } from '../runtime/open-project.js';
import { processRedactor } from '../runtime/process-redactor.js';
import type { SecretStore } from '../secrets/store.js';
import { stateStoreFor } from '../streams/secret-store-states.js';
import type { StateStore } from '../streams/state.js';
import { resolve } from 'node:path';
import type { Destination, DestinationContext } from './destination.js';
import { CommandDestination } from './command.js';
import { DirDestination } from './dir.js';
import { describeDestination, parseDestination, type DestinationSpec } from './parse-destination.js';
import { isStateInDatabase, PostgresDestination, type PostgresDestinationOptions } from './postgres.js';

export type { Destination, DestinationContext } from './destination.js';
export { DirDestination, type DirDestinationOptions } from './dir.js';
export { CommandDestination, targetEnvironment, type CommandDestinationOptions } from './command.js';
export { PostgresDestination, isStateInDatabase, type PostgresDestinationOptions, type StateInDatabase } from './postgres.js';
export { parseDestination, describeDestination, DEFAULT_DESTINATION_SCHEMA, DESTINATION_FORMS, type DestinationSpec } from './parse-destination.js';
export { splitCommandLine } from './split-command-line.js';

/** What {@link openDestination} needs: a connection, and the project it runs in (or its parts). */
export interface OpenDestinationOptions extends Omit<DestinationContext, 'states'> {
  /** The project: its secret store, environment, logger and redactor, unless given below. */
  project?: Project;
  /**
   * Where the connection's state is saved. Default: the project's state store (its secret store's,
   * else files under CONNECTORS_HOME); `false` saves no state (a `--limit` sample).
   */
  states?: StateStore | false;
}

/**
 * Opens the destination `spec` names for one connection: parses it when given as text, then
 * prepares it (a Singer target is started, a database reached on first use). The caller writes
 * to it as to any {@link OutputWriter} and closes it.
 * @throws UsageError for a malformed spec; ConnectorsError (exit 1) when it cannot be opened.
 */
export async function openDestination(spec: string | DestinationSpec, options: OpenDestinationOptions): Promise<Destination> {
  const parsed = typeof spec === 'string' ? parseDestination(spec) : spec;
  const context = contextOf(options);
  switch (parsed.type) {
    case 'dir':
      return new DirDestination({ root: resolve(context.cwd ?? process.cwd(), parsed.path), connector: context.connector, connection: context.connection, states: context.states });
    case 'postgres':
      return openPostgresDestination(parsed, context);
    case 'command':
      return CommandDestination.start({
        argv: parsed.argv,
        cwd: context.cwd ?? process.cwd(),
        env: context.env ?? process.env,
        connector: context.connector,
        connection: context.connection,
        states: context.states,
        log: context.log ?? createLogger({ redact: context.redact ?? ((text) => text) }),
        redact: context.redact ?? ((text) => text),
      });
  }
}

/**
 * `postgres` writes to the store's database (the PostgreSQL store's, else `CONNECTORS_DATABASE_URL`);
 * `postgres:<url>` to that one. When that is the database the store keeps its states in, the state
 * is committed in the batch's transaction.
 */
function openPostgresDestination(spec: Extract<DestinationSpec, { type: 'postgres' }>, context: DestinationContext): Destination {
  const store = isStateInDatabase(context.store) ? context.store : undefined;
  const env = context.env ?? process.env;
  const url = spec.url ?? store?.databaseUrl() ?? env[DATABASE_URL_ENV];
  if (url === undefined || url === '') {
    throw new DestinationError(
      `The destination postgres writes to the store's database, but this project's secret_store is not type postgres and ${DATABASE_URL_ENV} is not set; name a database with postgres:<url>.`,
    );
  }
  if (spec.url !== undefined) addUrlPassword(spec.url, context.addSecret ?? (() => undefined));
  const target = describePgUrl(url, spec.schema);
  const storeTarget = store ? describePgUrl(store.databaseUrl(), spec.schema) : undefined;
  const sameDatabase = storeTarget !== undefined && storeTarget.host.toLowerCase() === target.host.toLowerCase() && storeTarget.port === target.port && storeTarget.database === target.database;
  const options: PostgresDestinationOptions = {
    url,
    target,
    schema: spec.schema,
    connector: context.connector,
    connection: context.connection,
    description: spec.url === undefined && sameDatabase ? describeDestination(spec) : `postgres://${target.user}@${target.host}:${target.port}/${target.database} (schema ${spec.schema})`,
  };
  if (context.states !== undefined) options.state = sameDatabase ? { inTransaction: store! } : { after: context.states };
  return new PostgresDestination(options);
}

/** The context with the project's parts filled in. */
function contextOf(options: OpenDestinationOptions): DestinationContext {
  const { project, states, ...given } = options;
  const store = given.store ?? project?.container.resolve<SecretStore>(SECRET_STORE);
  const redactor = project?.container.resolve<Redactor>(REDACTOR) ?? processRedactor;
  const context: DestinationContext = {
    ...given,
    env: given.env ?? project?.env ?? process.env,
    cwd: given.cwd ?? project?.cwd ?? process.cwd(),
    log: given.log ?? project?.container.resolve<Logger>(LOGGER),
    redact: given.redact ?? ((text) => redactor.redact(text)),
    addSecret: given.addSecret ?? ((value) => redactor.addDerived(value)),
  };
  if (store !== undefined) context.store = store;
  if (states !== false) {
    const chosen = states ?? (store !== undefined && project !== undefined ? stateStoreFor(store, project.home) : undefined);
    if (chosen !== undefined) context.states = chosen;
  }
  return context;
}
