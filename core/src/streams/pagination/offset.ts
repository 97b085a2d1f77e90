import type { OffsetPagination } from '../../manifest/types.js';
import {
  createLoopError,
  fingerprintPage,
  type PageResult,
  type PageToken,
  type Paginator,
  type PaginatorContext,
} from './paginator.js';

/** Offset pagination options, defaults applied (DESIGN.md section 8 "Pagination defaults"). */
export interface OffsetPaginatorOptions {
  offsetParam: string;
  limitParam: string;
  pageSize: number;
}

/**
 * `type: offset`: sends `offset_param` (from 0) and `limit_param` (= `page_size`); the next offset
 * is the previous one plus the records read. Stops on a short or empty page. A full page identical
 * to the one before (an API that ignores the offset) is a loop error.
 */
export class OffsetPaginator implements Paginator {
  #lastFingerprint: string | undefined;

  constructor(
    readonly options: OffsetPaginatorOptions,
    private readonly context: PaginatorContext,
  ) {}

  firstPage(): PageToken {
    return this.#token(0);
  }

  nextPage(result: PageResult, token: PageToken): PageToken | undefined {
    const count = result.records.count;
    if (count === 0 || count < this.options.pageSize) return undefined;
    const fingerprint = fingerprintPage(result.records);
    if (fingerprint === this.#lastFingerprint) throw createLoopError(this.context, 'returned the same page for two offsets');
    this.#lastFingerprint = fingerprint;
    return this.#token((token.page.offset ?? 0) + count);
  }

  #token(offset: number): PageToken {
    const { offsetParam, limitParam, pageSize } = this.options;
    return {
      params: { [offsetParam]: String(offset), [limitParam]: String(pageSize) },
      page: { offset, limit: pageSize, size: pageSize },
    };
  }
}

/** Builds an {@link OffsetPaginator} from the manifest's block, applying the defaults. */
export function createOffsetPaginator(definition: OffsetPagination, context: PaginatorContext): Paginator {
  return new OffsetPaginator(
    {
      offsetParam: definition.offset_param ?? 'offset',
      limitParam: definition.limit_param ?? 'limit',
      pageSize: definition.page_size ?? 100,
    },
    context,
  );
}
