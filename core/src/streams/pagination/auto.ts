import type { AutoPagination } from '../../manifest/types.js';
import { compilePath } from '../records.js';
import { CursorPaginator } from './cursor.js';
import { limitPageValues, limitParams } from './limit-params.js';
import { findNextLink } from './link-header.js';
import { LinkPaginator } from './link.js';
import { NextUrlPaginator } from './next-url.js';
import { OffsetPaginator } from './offset.js';
import type { PageResult, PageToken, Paginator, PaginatorContext } from './paginator.js';

/** Body paths whose URL value is a next page's URL, in the order they are tried. */
export const AUTO_NEXT_URL_PATHS: readonly string[] = ['next', 'nextLink', 'next_url', '["@odata.nextLink"]', 'paging.next.link'];

/** Body paths of a next cursor and the query parameter it is sent as, in the order they are tried. */
export const AUTO_CURSOR_PATHS: ReadonlyArray<{ path: string; param: string }> = [
  { path: 'next_cursor', param: 'cursor' },
  { path: 'cursor', param: 'cursor' },
  { path: 'after', param: 'after' },
  { path: 'paging.next.after', param: 'after' },
];

/** What {@link detectPagination} found in a first response. */
export type AutoChoice =
  | { type: 'link' }
  | { type: 'next_url'; path: string }
  | { type: 'cursor'; path: string; param: string }
  | { type: 'offset' }
  | { type: 'none' };

/** A string that is a URL: absolute http(s), or a path relative to the page (`/items?page=2`). */
function isUrlValue(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  if (value.startsWith('/')) return true;
  return /^https?:\/\//i.test(value);
}

function isCursorValue(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}

/**
 * Picks the pagination of a first response: a `Link: rel="next"` header, else a URL-valued next
 * link in the body, else a next cursor in the body, else offset when the request took a limit (`page_size`, or `limit_param` already in its URL).
 */
export function detectPagination(result: PageResult, tookLimit: boolean): AutoChoice {
  if (findNextLink(result.response.headers.link) !== undefined) return { type: 'link' };
  for (const path of AUTO_NEXT_URL_PATHS) {
    if (isUrlValue(compilePath(path)(result.body))) return { type: 'next_url', path };
  }
  for (const { path, param } of AUTO_CURSOR_PATHS) {
    if (isCursorValue(compilePath(path)(result.body))) return { type: 'cursor', path, param };
  }
  return tookLimit ? { type: 'offset' } : { type: 'none' };
}

/** The one stderr line naming the choice (no values from the response: they may be secret). */
export function describeChoice(stream: string, choice: AutoChoice): string {
  switch (choice.type) {
    case 'link':
      return `Stream "${stream}": pagination auto chose link (the Link rel="next" header).`;
    case 'next_url':
      return `Stream "${stream}": pagination auto chose next_url (next_url_path ${choice.path}).`;
    case 'cursor':
      return `Stream "${stream}": pagination auto chose cursor (cursor_path ${choice.path}, sent as ${choice.param}).`;
    case 'offset':
      return `Stream "${stream}": pagination auto chose offset (no next link or cursor in the first response, and the request took a limit).`;
    case 'none':
      return `Stream "${stream}": pagination auto found no next page in the first response (no next link or cursor, no limit sent); one page read.`;
  }
}

/**
 * `type: auto`: the first request sends only the optional page size; the first response decides
 * which paginator (link, next_url, cursor, offset) reads the rest, and that choice is said once
 * through `context.notice`.
 */
export class AutoPaginator implements Paginator {
  readonly #limitParam: string;
  readonly #limit: Record<string, string>;
  #chosen: Paginator | undefined;

  constructor(
    readonly options: { limitParam?: string; pageSize?: number; offsetParam?: string },
    private readonly context: PaginatorContext,
  ) {
    this.#limitParam = options.limitParam ?? 'limit';
    this.#limit = limitParams(this.#limitParam, options.pageSize);
  }

  firstPage(): PageToken {
    return { params: { ...this.#limit }, page: limitPageValues(this.options.pageSize) };
  }

  nextPage(result: PageResult, token: PageToken): PageToken | undefined {
    if (this.#chosen === undefined) {
      const pageSize = this.options.pageSize ?? limitInUrl(result.response.url, this.#limitParam);
      const choice = detectPagination(result, pageSize !== undefined);
      this.context.notice?.(describeChoice(this.context.stream, choice));
      this.#chosen = this.#create(choice, pageSize);
    }
    return this.#chosen.nextPage(result, token);
  }

  #create(choice: AutoChoice, offsetPageSize: number | undefined): Paginator {
    const { pageSize } = this.options;
    const sized = pageSize === undefined ? {} : { limitParam: this.#limitParam, pageSize };
    switch (choice.type) {
      case 'link':
        return new LinkPaginator(this.context, sized);
      case 'next_url':
        return new NextUrlPaginator(this.context, { nextUrlPath: choice.path, ...sized });
      case 'cursor':
        return new CursorPaginator({ cursorPath: choice.path, cursorParam: choice.param, ...sized }, this.context);
      case 'offset':
        return new OffsetPaginator({ offsetParam: this.options.offsetParam ?? 'offset', limitParam: this.#limitParam, pageSize: offsetPageSize ?? 100 }, this.context);
      case 'none':
        return { firstPage: () => this.firstPage(), nextPage: () => undefined };
    }
  }
}

/** The page size the first request took in its URL (a stream's own `params: {limit: 50}`), if any. */
function limitInUrl(url: string, limitParam: string): number | undefined {
  let raw: string | null;
  try {
    raw = new URL(url).searchParams.get(limitParam);
  } catch {
    return undefined;
  }
  if (raw === null || !/^[1-9]\d*$/.test(raw)) return undefined;
  return Number(raw);
}

/** Builds an {@link AutoPaginator} from the manifest's block. */
export function createAutoPaginator(definition: AutoPagination, context: PaginatorContext): Paginator {
  return new AutoPaginator(
    {
      ...(definition.limit_param !== undefined ? { limitParam: definition.limit_param } : {}),
      ...(definition.page_size !== undefined ? { pageSize: definition.page_size } : {}),
      ...(definition.offset_param !== undefined ? { offsetParam: definition.offset_param } : {}),
    },
    context,
  );
}
