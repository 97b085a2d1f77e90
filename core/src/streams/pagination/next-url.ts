import type { NextUrlPagination } from '../../manifest/types.js';
import { compilePath, type PathGetter } from '../records.js';
import type { PageResult, PageToken, Paginator, PaginatorContext } from './paginator.js';
import { UrlFollower } from './url-follower.js';

/**
 * `type: next_url`: follows the URL at `next_url_path` in the body (e.g. `'["odata.nextLink"]'`;
 * relative URLs resolve against the page's URL). Stops on an empty page or when the value is
 * absent, `null` or `""`. A URL already fetched in this stream is a loop error.
 */
export class NextUrlPaginator implements Paginator {
  readonly #getNext: PathGetter;
  readonly #follower: UrlFollower;

  constructor(context: PaginatorContext, options: { nextUrlPath: string; limitParam?: string; pageSize?: number }) {
    this.#getNext = compilePath(options.nextUrlPath);
    this.#follower = new UrlFollower(context, options.pageSize, options.limitParam);
  }

  firstPage(): PageToken {
    return this.#follower.firstPage();
  }

  nextPage(result: PageResult): PageToken | undefined {
    if (result.records.count === 0) return undefined;
    const next = this.#getNext(result.body);
    if (next === undefined || next === null || next === '') return undefined;
    return this.#follower.follow(String(next), result);
  }
}

/** Builds a {@link NextUrlPaginator} from the manifest's block. */
export function createNextUrlPaginator(definition: NextUrlPagination, context: PaginatorContext): Paginator {
  return new NextUrlPaginator(context, {
    nextUrlPath: definition.next_url_path,
    ...(definition.limit_param !== undefined ? { limitParam: definition.limit_param } : {}),
    ...(definition.page_size !== undefined ? { pageSize: definition.page_size } : {}),
  });
}
