import { HttpError } from '../../errors.js';
import { describeUrl } from '../describe-url.js';
import { limitPageValues, limitParams } from './limit-params.js';
import { createLoopError, SeenValues, type PageResult, type PageToken, type PaginatorContext } from './paginator.js';

/**
 * The shared half of link and next_url pagination: resolves a next URL against the page's URL,
 * refuses one already fetched, and builds its token.
 */
export class UrlFollower {
  readonly #seen = new SeenValues();
  readonly #limit: Record<string, string>;

  constructor(
    private readonly context: PaginatorContext,
    private readonly pageSize: number | undefined,
    limitParam: string | undefined,
  ) {
    this.#limit = limitParams(limitParam, pageSize);
  }

  /** The first request's token: only the optional page-size parameter. */
  firstPage(): PageToken {
    return { params: { ...this.#limit }, page: limitPageValues(this.pageSize) };
  }

  /** The token to fetch `next` (relative to the page's URL), or a loop error. */
  follow(next: string, result: PageResult): PageToken {
    this.#seen.add(normalize(result.response.url));
    let url: URL;
    try {
      url = new URL(next, result.response.url);
    } catch {
      throw new HttpError(`Stream "${this.context.stream}": the next page's URL from ${describeUrl(result.response.url)} is not a URL.`, {
        code: 'ERR_PAGINATION',
      });
    }
    if (!this.#seen.add(url.href)) {
      throw createLoopError(this.context, `sent the next page's URL ${describeUrl(url.href)} a second time`);
    }
    return { params: { ...this.#limit }, url: url.href, page: limitPageValues(this.pageSize) };
  }
}

function normalize(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
