import { HttpError } from '../../errors.js';
import type { HttpResponse } from '../../plugin-api.js';

/**
 * The pagination contract: a paginator gives the first page's request values, then, for each page
 * read, the next page's, or `undefined` to stop (like Airbyte's `next_page_token`).
 * Paginators are pure: they do no I/O and keep only what their stop rules need.
 */

/** The `page` template namespace (DESIGN.md section 8 "Template fields"). */
export interface PageValues {
  offset?: number;
  limit?: number;
  number?: number;
  size?: number;
  cursor?: string;
}

/** What the next request needs from the paginator. */
export interface PageToken {
  /** Query parameters to add to the stream's own (pagination wins on a clash). */
  params: Record<string, string>;
  /**
   * An absolute URL to fetch instead of the stream's URL (link, next_url). It is used as given:
   * the stream's params are not added, only `params` above when the URL lacks them.
   */
  url?: string;
  /** Values for `{{ page.* }}` templates, e.g. in a POST body. */
  page: PageValues;
}

/** What the paginator sees of the page just read. */
export interface PageResult {
  /** The parsed body. */
  body: unknown;
  /** The response (headers, final URL). */
  response: Pick<HttpResponse, 'headers' | 'url'>;
  /** What a paginator may know of the page's records: records stream through, they are not kept. */
  records: PageRecords;
}

/** A page's records as paginators see them: how many, and the first and last (for loop checks). */
export interface PageRecords {
  readonly count: number;
  readonly first?: unknown;
  readonly last?: unknown;
}

/** The {@link PageRecords} of a page whose records are all at hand. */
export function summarizeRecords(records: readonly unknown[]): PageRecords {
  return records.length === 0 ? { count: 0 } : { count: records.length, first: records[0], last: records[records.length - 1] };
}

/** One pagination strategy, created per stream run (it may remember values already seen). */
export interface Paginator {
  /** The first request's token. */
  firstPage(): PageToken;
  /**
   * The next request's token after reading `result` with `token`, or `undefined` to stop.
   * @throws HttpError (code `ERR_PAGINATION_LOOP`) when the API hands back a cursor or URL
   *   already followed, or the same page again.
   */
  nextPage(result: PageResult, token: PageToken): PageToken | undefined;
}

/** Which stream a paginator serves, for its error messages. */
export interface PaginatorContext {
  stream: string;
  /** Where a paginator says one line to the user (stderr), e.g. what `type: auto` chose. */
  notice?: (message: string) => void;
}

/** The error for an API that sends the reader back to a page it already read. */
export function createLoopError(context: PaginatorContext, what: string): HttpError {
  return new HttpError(
    `Stream "${context.stream}": the API ${what}, so pagination would never end.`,
    { code: 'ERR_PAGINATION_LOOP', hint: 'Check the stream\'s pagination settings against the API.' },
  );
}

/**
 * Remembers every cursor or URL followed in one stream run and refuses a second visit.
 * Memory grows with the number of pages, not records.
 */
export class SeenValues {
  readonly #seen = new Set<string>();

  /** Records `value`; returns false when it was seen before. */
  add(value: string): boolean {
    if (this.#seen.has(value)) return false;
    this.#seen.add(value);
    return true;
  }
}

/**
 * A cheap identity of a page (count, first and last record) to catch an API that ignores the
 * offset or page parameter and serves the same full page forever.
 */
export function fingerprintPage(records: PageRecords): string {
  if (records.count === 0) return '0';
  return `${records.count}\u0000${JSON.stringify(records.first)}\u0000${JSON.stringify(records.last)}`;
}
