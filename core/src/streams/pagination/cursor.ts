import type { CursorPagination } from '../../manifest/types.js';
import { compilePath, type PathGetter } from '../records.js';
import { limitPageValues, limitParams } from './limit-params.js';
import {
  createLoopError,
  SeenValues,
  type PageResult,
  type PageToken,
  type Paginator,
  type PaginatorContext,
} from './paginator.js';

/** Cursor pagination options, defaults applied (DESIGN.md section 8 "Pagination defaults"). */
export interface CursorPaginatorOptions {
  /** Dot path of the next cursor in the body. */
  cursorPath: string;
  cursorParam: string;
  limitParam?: string;
  pageSize?: number;
}

/**
 * `type: cursor`: reads the next cursor at `cursor_path` in the body and sends it as
 * `cursor_param`. Stops on an empty page or when the cursor is absent, `null` or `""`. A cursor
 * already followed in this stream is a loop error.
 */
export class CursorPaginator implements Paginator {
  readonly #getCursor: PathGetter;
  readonly #seen = new SeenValues();
  readonly #limit: Record<string, string>;

  constructor(
    readonly options: CursorPaginatorOptions,
    private readonly context: PaginatorContext,
  ) {
    this.#getCursor = compilePath(options.cursorPath);
    this.#limit = limitParams(options.limitParam, options.pageSize);
  }

  firstPage(): PageToken {
    return { params: { ...this.#limit }, page: limitPageValues(this.options.pageSize) };
  }

  nextPage(result: PageResult): PageToken | undefined {
    if (result.records.count === 0) return undefined;
    const value = this.#getCursor(result.body);
    if (value === undefined || value === null || value === '') return undefined;
    const cursor = typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (!this.#seen.add(cursor)) throw createLoopError(this.context, `returned the cursor "${cursor}" a second time`);
    return {
      params: { ...this.#limit, [this.options.cursorParam]: cursor },
      page: { ...limitPageValues(this.options.pageSize), cursor },
    };
  }
}

/** Builds a {@link CursorPaginator} from the manifest's block, applying the defaults. */
export function createCursorPaginator(definition: CursorPagination, context: PaginatorContext): Paginator {
  return new CursorPaginator(
    {
      cursorPath: definition.cursor_path,
      cursorParam: definition.cursor_param ?? 'cursor',
      ...(definition.limit_param !== undefined ? { limitParam: definition.limit_param } : {}),
      ...(definition.page_size !== undefined ? { pageSize: definition.page_size } : {}),
    },
    context,
  );
}
