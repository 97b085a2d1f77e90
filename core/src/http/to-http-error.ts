/**
 * Turns whatever a request raised into an {@link HttpError} whose message is one sentence: the
 * method, the redacted URL, the status or the network failure, and a short summary of the
 * provider's error body, redacted before it is shortened. Nothing of got's options, headers or bodies is kept on the error.
 */
import { ConnectorsError, HttpError } from '../errors.js';
import type { Redactor } from './redact.js';
import { describeTlsFailure } from './describe-tls-failure.js';
import { shortenRedacted } from './shorten-redacted.js';

/** The longest provider text quoted in an error message. */
export const MAX_ERROR_SUMMARY_LENGTH = 200;

function pickText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return pickText(record.message) ?? pickText(record.description);
  }
  return undefined;
}

/**
 * The provider's text in an error body: JSON `error` and `error_description`, `message`, `detail`
 * or `title`; a short plain-text body as it is; nothing for HTML or long bodies. Not yet redacted
 * nor shortened: pass it through {@link shortenRedacted}.
 */
export function summarizeErrorBody(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const text = body.trim();
  if (text === '') return undefined;
  let summary: string | undefined;
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object') {
      const record = json as Record<string, unknown>;
      const error = pickText(record.error);
      const description = pickText(record.error_description);
      summary =
        error && description
          ? `${error}: ${description}`
          : (error ?? description ?? pickText(record.message) ?? pickText(record.detail) ?? pickText(record.title));
    }
  } catch {
    if (!text.startsWith('<') && text.length <= MAX_ERROR_SUMMARY_LENGTH) summary = text;
  }
  return summary;
}

/** What a failed request is known by. */
export interface FailedRequest {
  method: string;
  /** The request URL, not yet redacted. */
  url: string;
  /** Retries made before giving up. */
  retries?: number;
}

function retriesText(retries: number | undefined): string {
  return retries ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
}

function stripPeriod(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

/** An {@link HttpError} for a non-2xx answer. */
export function createStatusError(
  request: FailedRequest,
  status: number,
  body: string | undefined,
  redactor?: Redactor,
): HttpError {
  const redact = (text: string): string => (redactor ? redactor.redact(text) : text);
  const url = redact(request.url);
  const summary = summarizeErrorBody(body);
  const shortened = summary === undefined ? '' : stripPeriod(shortenRedacted(summary, redactor, { maxLength: MAX_ERROR_SUMMARY_LENGTH }));
  const detail = shortened ? `: ${shortened}` : '';
  return new HttpError(
    `${request.method} ${url} failed with status ${status}${retriesText(request.retries)}${detail}.`,
    { status, method: request.method, url },
  );
}

/**
 * Maps an error thrown while requesting (a got error, a network error, one of ours) to an
 * {@link HttpError}. A {@link ConnectorsError} raised by a hook (e.g. a failed renewal) is returned
 * as it is.
 */
export function toHttpError(error: unknown, request: FailedRequest, redactor?: Redactor): ConnectorsError {
  if (error instanceof ConnectorsError) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof ConnectorsError) return cause;
  const redact = (text: string): string => (redactor ? redactor.redact(text) : text);
  const response = (error as { response?: { statusCode?: number; body?: unknown } } | undefined)?.response;
  if (response?.statusCode !== undefined && (response.statusCode < 200 || response.statusCode > 299)) {
    const body = typeof response.body === 'string' ? response.body : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : undefined;
    return createStatusError(request, response.statusCode, body, redactor);
  }
  const url = redact(request.url);
  const code = (error as { code?: string } | undefined)?.code;
  const raw = error instanceof Error ? error.message : String(error);
  // A refused TLS handshake reads as what to do, not as OpenSSL's error string.
  const reason = describeTlsFailure(code) ?? stripPeriod(shortenRedacted(raw, redactor, { maxLength: MAX_ERROR_SUMMARY_LENGTH }));
  return new HttpError(`${request.method} ${url} failed${retriesText(request.retries)}: ${reason || code || 'unknown error'}.`, {
    code: 'ERR_HTTP',
    status: response?.statusCode,
    method: request.method,
    url,
  });
}
