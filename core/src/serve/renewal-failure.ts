/**
 * How renewal ahead of time treats a failed renewal (DESIGN.md section 9): a permanent refusal
 * (`invalid_grant` and the provider's other refusals, a rejected credential, a missing secret)
 * stops retrying until a secret of the connection changes; anything else (network, 5xx, 429,
 * timeouts) retries with backoff. What is shown is a code, never a message that could quote input.
 */
import { AuthError, ConnectorsError, HttpError, ManifestError, UsageError } from '../errors.js';

/** Provider `error` codes that say "try again later" rather than "no". */
const TRANSIENT_PROVIDER_ERRORS = new Set(['temporarily_unavailable', 'server_error', 'slow_down']);

/** A failed renewal, as `lastError` and the renewal event show it. */
export interface RenewalFailure {
  /** True when retrying cannot help until a secret changes. */
  permanent: boolean;
  /** The provider's `error` (e.g. `invalid_grant`), else the runtime's error code. */
  code: string;
}

/** Classifies what `SessionManager.renewIfDue` threw. */
export function describeRenewalFailure(error: unknown): RenewalFailure {
  if (error instanceof AuthError && error.providerError) {
    return { permanent: !TRANSIENT_PROVIDER_ERRORS.has(error.providerError), code: error.providerError };
  }
  if (error instanceof ManifestError || error instanceof UsageError) return { permanent: true, code: error.code };
  if (error instanceof AuthError) {
    const status = error.status;
    const refused = status === undefined || (status >= 400 && status < 500 && status !== 408 && status !== 429);
    return { permanent: refused, code: error.code };
  }
  if (error instanceof HttpError) return { permanent: false, code: error.code };
  if (error instanceof ConnectorsError) return { permanent: false, code: error.code };
  return { permanent: false, code: 'ERR_UNEXPECTED' };
}

/** Backoff after the `attempt`-th failure in a row (1-based): 1 s doubling, at most 5 min. */
export function renewalBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}
