import type { RetryPolicy, TimeoutSetting } from '../manifest/types.js';
import type { HttpRequestOptions } from '../plugin-api.js';
import type { SessionTemplates } from './hooks.js';

/**
 * A request made by the runtime itself (streams, check): the plugin-facing options plus the
 * manifest's retry override for the stream.
 */
export interface RuntimeHttpRequestOptions extends HttpRequestOptions {
  retry?: RetryPolicy;
  /** The stream's (else the manifest's) `timeout`, in seconds. */
  timeout?: TimeoutSetting;
  /** Aborts the request in flight (and its retries): the first Ctrl-C of a run. */
  signal?: AbortSignal;
  /** The stream's headers and query parameters templated from session values, rendered per attempt. */
  sessionTemplates?: SessionTemplates;
}
