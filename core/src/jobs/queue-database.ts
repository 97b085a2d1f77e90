/**
 * Where the job queue lives (DESIGN.md section 11): in the database of the PostgreSQL secret store
 * (section 10), so that the store, the renewal lock and the queue are one dependency. The queue
 * library (pg-boss) keeps its tables in the schema `<store schema>_queue`; the job list, the
 * attempts (which worker ran what) and the schedules are ours, in `<store schema>_jobs`.
 */
import { SecretStoreError } from '../errors.js';
import { DATABASE_URL_ENV } from '../secrets/built-in-store-types.js';
import { describePgUrl, type PgTarget } from '../secrets/postgres/describe-pg-error.js';
import { processRedactor } from '../runtime/process-redactor.js';
import type { ResolvedProject } from '../runtime/resolve-project.js';

/** The database the queue runs on, and its schemas. */
export interface QueueDatabase {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (never printed). */
  url: string;
  /** The store's schema (`secret_store.schema`, default `connectors`). */
  storeSchema: string;
  /** Our tables: jobs, attempts, schedules. */
  jobsSchema: string;
  /** pg-boss's tables. */
  queueSchema: string;
  /** Where it is, for messages (no password). */
  target: PgTarget;
}

const MAX_NAME = 63;

/**
 * The queue's database from the project's `secret_store:` (type postgres; `url`, else
 * `CONNECTORS_DATABASE_URL`). The URL's password is added to the process's redactor.
 * @throws SecretStoreError when the project's store is not the PostgreSQL store.
 */
export function locateQueueDatabase(project: Pick<ResolvedProject, 'config' | 'env'>): QueueDatabase {
  const store = project.config?.secret_store;
  if (store?.type !== 'postgres') {
    throw new SecretStoreError(
      `The job queue runs on the PostgreSQL secret store, but this project's secret_store is type ${store?.type ?? 'file'}.`,
      { hint: `Set secret_store: {type: postgres} in connectors.config.yaml and ${DATABASE_URL_ENV} in the environment (README "Running at scale").` },
    );
  }
  const url = typeof store.url === 'string' && store.url !== '' ? store.url : project.env[DATABASE_URL_ENV];
  if (!url) throw new SecretStoreError(`secret_store type postgres needs url in connectors.config.yaml or ${DATABASE_URL_ENV} in the environment.`);
  const storeSchema = typeof store.schema === 'string' && store.schema !== '' ? store.schema : 'connectors';
  addUrlPassword(url);
  const jobsSchema = `${storeSchema}_jobs`;
  const queueSchema = `${storeSchema}_queue`;
  if (queueSchema.length > MAX_NAME) {
    throw new SecretStoreError(`secret_store.schema ${storeSchema} is too long for the job queue's schemas (${storeSchema}_jobs and ${storeSchema}_queue must fit ${MAX_NAME} characters).`);
  }
  return { url, storeSchema, jobsSchema, queueSchema, target: describePgUrl(url, jobsSchema) };
}

function addUrlPassword(url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      processRedactor.addDerived(parsed.password);
      processRedactor.addDerived(decodeURIComponent(parsed.password));
    }
    const query = parsed.searchParams.get('password');
    if (query) processRedactor.addDerived(query);
  } catch {
    // not a URL: describePgUrl says so
  }
}
