import type { RetryPolicy } from '../manifest/types.js';
import type { HttpRequestOptions } from '../plugin-api.js';

/**
 * A request made by the runtime itself (streams, check): the plugin-facing options plus the
 * manifest's retry override for the stream.
 */
export interface RuntimeHttpRequestOptions extends HttpRequestOptions {
  retry?: RetryPolicy;
}
