import type { PagePagination } from '../../manifest/types.js';
import {
  createLoopError,
  fingerprintPage,
  type PageResult,
  type PageToken,
  type Paginator,
  type PaginatorContext,
} from './paginator.js';

/** Page-number pagination options, defaults applied (DESIGN.md section 8 "Pagination defaults"). */
export interface PagePaginatorOptions {
  pageParam: string;
  sizeParam: string;
  /** Without a page size, no size parameter is sent and only an empty page stops. */
  pageSize?: number;
  startPage: number;
}

/**
 * `type: page`: sends `page_param` (from `start_page`) and, when `page_size` is set, `size_param`.
 * Stops on an empty page, or on a short page when the page size is known. A full page identical to
 * the one before (an API that ignores the page number) is a loop error.
 */
export class PagePaginator implements Paginator {
  #lastFingerprint: string | undefined;

  constructor(
    readonly options: PagePaginatorOptions,
    private readonly context: PaginatorContext,
  ) {}

  firstPage(): PageToken {
    return this.#token(this.options.startPage);
  }

  nextPage(result: PageResult, token: PageToken): PageToken | undefined {
    const count = result.records.count;
    const { pageSize } = this.options;
    if (count === 0 || (pageSize !== undefined && count < pageSize)) return undefined;
    const fingerprint = fingerprintPage(result.records);
    if (fingerprint === this.#lastFingerprint) throw createLoopError(this.context, 'returned the same page for two page numbers');
    this.#lastFingerprint = fingerprint;
    return this.#token((token.page.number ?? this.options.startPage) + 1);
  }

  #token(number: number): PageToken {
    const { pageParam, sizeParam, pageSize } = this.options;
    const params: Record<string, string> = { [pageParam]: String(number) };
    if (pageSize !== undefined) params[sizeParam] = String(pageSize);
    const sized = pageSize === undefined ? {} : { size: pageSize, limit: pageSize, offset: (number - this.options.startPage) * pageSize };
    return { params, page: { number, ...sized } };
  }
}

/** Builds a {@link PagePaginator} from the manifest's block, applying the defaults. */
export function createPagePaginator(definition: PagePagination, context: PaginatorContext): Paginator {
  return new PagePaginator(
    {
      pageParam: definition.page_param ?? 'page',
      sizeParam: definition.size_param ?? 'per_page',
      ...(definition.page_size !== undefined ? { pageSize: definition.page_size } : {}),
      startPage: definition.start_page ?? 1,
    },
    context,
  );
}
