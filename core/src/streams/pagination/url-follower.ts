import { HttpError } from '../../errors.js';
import { describeUrl } from '../describe-url.js';
import { limitPageValues, limitParams } from './limit-params.js';
import { createLoopError, SeenValues, type PageResult, type PageToken, type PaginatorContext } from './paginator.js';

/**
 * The shared half of link and next_url pagination: resolves a next URL against the page's URL,
 * refuses one already fetched or one on another origin (the connector's credentials go with every
 * page, so an API answer must not be able to send them to a host of its choosing), and builds its
 * token.
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
    const origin = new URL(result.response.url).origin;
    if (url.origin !== origin) {
      throw new HttpError(
        `Stream "${this.context.stream}": the next page's URL points to ${url.origin}, not ${origin}; the connector's credentials are not sent to another origin.`,
        { code: 'ERR_PAGINATION' },
      );
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
