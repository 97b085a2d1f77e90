import { HttpError } from '../errors.js';
import type { StreamDefinition } from '../manifest/types.js';
import { compileStreamRequest } from '../streams/stream-request.js';
import { openConnection, type ConnectionOptions } from './open-connection.js';
import { templateConfig } from './template-values.js';
import type { Project } from './open-project.js';

/** What `connectors check` found. */
export interface CheckResult {
  connector: string;
  connection: string;
  /** The request made, with its URL's query left out, e.g. `GET https://api.example.com/me`; absent when the manifest has no `check:`. */
  request?: string;
  status?: number;
  /** Milliseconds, authentication included. */
  elapsedMs: number;
  /** One line for the user. */
  message: string;
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * `connectors check`: authenticates (reusing or renewing the stored session) and makes the
 * manifest's `check` request with the connector's headers. A manifest without `check:` is checked
 * by authenticating only. Failures throw (AuthError, HttpError, MissingSecretError).
 */
export async function checkConnector(project: Project, options: ConnectionOptions): Promise<CheckResult> {
  const started = performance.now();
  const connection = await openConnection(project, options);
  const { manifest, ref } = connection;
  const session = await connection.getSession();
  const elapsed = () => Math.round(performance.now() - started);
  if (!manifest.check) {
    return {
      connector: manifest.name,
      connection: ref.connection,
      elapsedMs: elapsed(),
      message: `${manifest.name} (${ref.connection}): authenticated with ${manifest.auth.scheme}; the manifest has no check request, so no API call was made (${elapsed()} ms).`,
    };
  }
  const definition: StreamDefinition = { name: 'check', ...manifest.check };
  const request = compileStreamRequest(manifest, definition, connection.manifestFile).build(
    { config: templateConfig(manifest, connection.config), ...connection.forSession(session), page: {} },
    { params: {}, page: {} },
    undefined,
    connection.forSession,
  );
  const method = request.method ?? 'GET';
  const target = `${method} ${withoutQuery(String(request.url))}`;
  try {
    const response = await connection.http.request(request);
    await connection.saveCookies().catch(() => undefined);
    return {
      connector: manifest.name,
      connection: ref.connection,
      request: target,
      status: response.status,
      elapsedMs: elapsed(),
      message: `${manifest.name} (${ref.connection}): ${target} answered ${response.status} in ${elapsed()} ms.`,
    };
  } catch (error) {
    if (error instanceof HttpError) {
      throw new HttpError(`Check of ${manifest.name} (${ref.connection}) failed: ${error.message}`, {
        status: error.status,
        method: error.method,
        url: error.url,
      });
    }
    throw error;
  }
}
