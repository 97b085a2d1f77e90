/**
 * The flags of `connectors enqueue` and `connectors schedule add` to a {@link JobSpec}, checked
 * where they are given rather than on a worker: the connector loads, the streams exist, the
 * connection name and the destination are valid.
 */
import { resolve } from 'node:path';
import { isManifestPath, resolveManifestPath } from '../config/resolve-manifest-path.js';
import { parseDestination } from '../destinations/parse-destination.js';
import { UsageError } from '../errors.js';
import { loadManifest } from '../manifest/load-manifest.js';
import { checkConnectionName } from '../runtime/open-connection.js';
import type { ResolvedProject } from '../runtime/resolve-project.js';
import { selectStreams } from '../streams/sync.js';
import type { JobSpec } from './job-queue.js';

/** What a run of a job does, as given on the command line. */
export interface JobRunOptions {
  /** A catalog name, or a path to a manifest. */
  connector: string;
  /** Default `default`. */
  connection?: string;
  /** `--stream`, repeatable; every stream when empty. */
  streams?: readonly string[];
  fullRefresh?: boolean;
  /** `--destination`; default `postgres` (the store's database). */
  destination?: string;
  /** `--queue`; default `default`. */
  queue?: string;
}

/** The default destination of a job (DESIGN.md section 11). */
export const DEFAULT_JOB_DESTINATION = 'postgres';

const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** Checks a job's options against the project's manifests and returns the job. */
export async function resolveJobSpec(project: ResolvedProject, options: JobRunOptions): Promise<JobSpec> {
  const connection = checkConnectionName(options.connection ?? 'default');
  const queue = options.queue ?? 'default';
  if (!QUEUE_NAME.test(queue)) throw new UsageError(`"${queue}" is not a valid queue name (letters, digits, "_", "-" and ".", up to 100).`);
  const destination = checkJobDestination(options.destination ?? DEFAULT_JOB_DESTINATION, project.cwd);
  const manifestFile = resolveManifestPath(options.connector, project.catalogDir);
  const manifest = await loadManifest(manifestFile, { registry: project.registry });
  const streams = selectStreams(manifest, options.streams).map((stream) => stream.name);
  // A path runs on the workers as given when absolute; a catalog name resolves in each worker's catalog.
  const target = isManifestPath(options.connector) ? resolve(project.cwd, manifestFile) : options.connector;
  return {
    target,
    connector: manifest.name,
    connection,
    streams: options.streams && options.streams.length > 0 ? streams : [],
    fullRefresh: options.fullRefresh === true,
    destination,
    queue,
  };
}

/**
 * A destination as a worker will read it ({@link parseDestination}'s forms): `dir:PATH` made
 * absolute against `cwd`; `postgres:<url>` only without a password, since the job list is not a
 * secret store (the workers get it from PGPASSWORD or ~/.pgpass).
 * @throws UsageError (exit 2) for an unknown scheme, a malformed value or a URL with a password.
 */
export function checkJobDestination(destination: string, cwd: string): string {
  const spec = parseDestination(destination);
  if (spec.type === 'dir') return `dir:${resolve(cwd, spec.path)}`;
  if (spec.type === 'postgres' && spec.url !== undefined) {
    const url = new URL(spec.url);
    if (url.password || url.searchParams.has('password')) {
      throw new UsageError('The destination URL holds a password, which the job list would keep in plain text; give the workers PGPASSWORD or a ~/.pgpass instead.');
    }
  }
  return destination.trim();
}
