import type { Writable } from 'node:stream';
import { openDestination, parseDestination, type Destination, type DestinationSpec } from '../destinations/index.js';
import { UsageError } from '../errors.js';
import { JsonlWriter } from '../output/jsonl-writer.js';
import type { OutputWriter } from '../output/output-writer.js';
import { ProgressReporter, type ProgressOutput } from '../output/progress.js';
import { SingerWriter } from '../output/singer-writer.js';
import { SECRET_STORE } from '../container.js';
import type { SecretStore } from '../secrets/store.js';
import { stateStoreFor } from '../streams/secret-store-states.js';
import { loadStateFile, type StateValue } from '../streams/state.js';
import { selectStreams, syncStreams, type SyncResult } from '../streams/sync.js';
import { openConnection, openConnectorTarget, type ConnectionOptions } from './open-connection.js';
import { templateConfig } from './template-values.js';
import type { Project } from './open-project.js';

/** `connectors run` as a library call. */
export interface RunConnectorOptions extends ConnectionOptions {
  /** `--stream`: the streams to run, in order; all when empty. */
  streams?: readonly string[];
  /** `--limit N`: records per stream. A limited run is a sample: its state is not saved. */
  limit?: number;
  /** `--state FILE`: start from this state instead of the saved one. */
  stateFile?: string;
  /** `--full-refresh`: ignore the saved cursors. */
  fullRefresh?: boolean;
  /** `--output DIR`: write `DIR/<stream>.jsonl` and `DIR/state.json` instead of Singer lines. */
  outputDir?: string;
  /**
   * `--destination D`: `postgres`, `postgres:<url>`, `dir:PATH` or `command:<target>` (DESIGN.md
   * section 11) instead of Singer lines on stdout; the destination commits the state with its
   * records. Not with `outputDir`.
   */
  destination?: string | DestinationSpec;
  /** Where Singer lines go. Default stdout. */
  stdout?: Writable;
  /** Where progress goes. Default stderr. */
  progressOutput?: ProgressOutput;
  /** `--quiet`: no progress and no summaries. */
  quiet?: boolean;
  /** Reports the run's progress instead of one on `progressOutput` (a worker counts records per stream with it). */
  progress?: ProgressReporter;
  signal?: AbortSignal;
}

/**
 * Runs a connector's streams: opens the connection, starts from the saved state (or `--state`),
 * authenticates, pages through each stream into Singer lines (or JSONL files, or a destination),
 * and saves the state per connection when streams complete and at checkpoints (through the
 * destination, which commits it with its records).
 */
export async function runConnector(project: Project, options: RunConnectorOptions): Promise<SyncResult> {
  // The run's own arguments (--stream, --state) are checked before secrets and requests.
  if (options.destination !== undefined && options.outputDir !== undefined) {
    throw new UsageError('--destination and --output both say where the records go; give one of them.');
  }
  const spec = typeof options.destination === 'string' ? parseDestination(options.destination) : options.destination;
  const target = await openConnectorTarget(project, options);
  const { manifest, ref } = target;
  selectStreams(manifest, options.streams);
  const stateStore = stateStoreFor(project.container.resolve<SecretStore>(SECRET_STORE), project.home);
  const state: StateValue | undefined = options.stateFile
    ? await loadStateFile(options.stateFile)
    : await stateStore.load(ref.connector, ref.connection);

  const connection = await openConnection(project, options, target);
  const session = await connection.getSession();

  // Opened before the streams' first request: a Singer target that cannot start fails the run at once.
  const destination: Destination | undefined = spec
    ? await openDestination(spec, { project, connector: ref.connector, connection: ref.connection, states: options.limit === undefined ? stateStore : false, now: connection.now })
    : undefined;
  const writer: OutputWriter = destination ?? (options.outputDir ? new JsonlWriter(options.outputDir) : new SingerWriter(options.stdout ?? process.stdout));
  const saveState = destination
    ? (value: StateValue) => destination.saveState(value)
    : (value: StateValue) => stateStore.save(ref.connector, ref.connection, value);
  const progress = options.progress ?? new ProgressReporter({ output: options.progressOutput ?? process.stderr, quiet: options.quiet });
  try {
    return await syncStreams({
      manifest,
      streams: options.streams,
      http: connection.http,
      templateValues: { config: templateConfig(manifest, connection.config), ...connection.forSession(session), forSession: connection.forSession },
      state,
      fullRefresh: options.fullRefresh,
      limit: options.limit,
      writer,
      saveState,
      progress,
      now: connection.now,
      signal: options.signal,
      origin: connection.manifestFile,
    });
  } finally {
    await connection.saveCookies().catch(() => undefined);
  }
}
