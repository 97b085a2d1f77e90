import { ManifestError } from '../../errors.js';
import type { Pagination } from '../../manifest/types.js';
import { createAutoPaginator } from './auto.js';
import { createCursorPaginator } from './cursor.js';
import { createLinkPaginator } from './link.js';
import { createNextUrlPaginator } from './next-url.js';
import { createOffsetPaginator } from './offset.js';
import { createPagePaginator } from './page.js';
import type { PageToken, Paginator, PaginatorContext } from './paginator.js';

export type { PageRecords, PageResult, PageToken, PageValues, Paginator, PaginatorContext } from './paginator.js';
export { summarizeRecords } from './paginator.js';

/** Builds a paginator from one manifest `pagination` block. */
export type PaginatorFactory<P extends Pagination> = (definition: P, context: PaginatorContext) => Paginator;

/** Pagination `type` -> its constructor (each lives beside its component). */
export const PAGINATOR_FACTORIES: { readonly [T in Pagination['type']]: PaginatorFactory<Extract<Pagination, { type: T }>> } = {
  auto: createAutoPaginator,
  offset: createOffsetPaginator,
  page: createPagePaginator,
  cursor: createCursorPaginator,
  link: createLinkPaginator,
  next_url: createNextUrlPaginator,
};

/** One request and stop: the paginator of a stream without `pagination`. */
export const singlePagePaginator: Paginator = {
  firstPage: (): PageToken => ({ params: {}, page: {} }),
  nextPage: () => undefined,
};

/** The paginator for a stream's `pagination` block (a single request when it is omitted). */
export function createPaginator(definition: Pagination | undefined, context: PaginatorContext): Paginator {
  if (definition === undefined) return singlePagePaginator;
  const factory = PAGINATOR_FACTORIES[definition.type] as PaginatorFactory<Pagination> | undefined;
  if (factory === undefined) {
    throw new ManifestError(`Stream "${context.stream}" has an unknown pagination type "${String(definition.type)}".`);
  }
  return factory(definition, context);
}
