import type { LinkPagination } from '../../manifest/types.js';
import { findNextLink } from './link-header.js';
import type { PageResult, PageToken, Paginator, PaginatorContext } from './paginator.js';
import { UrlFollower } from './url-follower.js';

/**
 * `type: link`: follows the RFC 8288 `Link: <...>; rel="next"` header (relative targets resolve
 * against the page's URL). Stops on an empty page or without a `rel="next"` link. A URL already
 * fetched in this stream is a loop error.
 */
export class LinkPaginator implements Paginator {
  readonly #follower: UrlFollower;

  constructor(context: PaginatorContext, options: { limitParam?: string; pageSize?: number } = {}) {
    this.#follower = new UrlFollower(context, options.pageSize, options.limitParam);
  }

  firstPage(): PageToken {
    return this.#follower.firstPage();
  }

  nextPage(result: PageResult): PageToken | undefined {
    if (result.records.count === 0) return undefined;
    const next = findNextLink(result.response.headers.link);
    if (next === undefined || next === '') return undefined;
    return this.#follower.follow(next, result);
  }
}

/** Builds a {@link LinkPaginator} from the manifest's block. */
export function createLinkPaginator(definition: LinkPagination, context: PaginatorContext): Paginator {
  return new LinkPaginator(context, {
    ...(definition.limit_param !== undefined ? { limitParam: definition.limit_param } : {}),
    ...(definition.page_size !== undefined ? { pageSize: definition.page_size } : {}),
  });
}
