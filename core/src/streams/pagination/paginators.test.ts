import { describe, expect, it } from 'vitest';
import { HttpError, ManifestError } from '../../errors.js';
import type { Pagination } from '../../manifest/types.js';
import { createPaginator, summarizeRecords, type PageResult, type PageToken, type Paginator } from './index.js';

const context = { stream: 'items' };
const recordsOf = (n: number, from = 0): unknown[] => Array.from({ length: n }, (_, i) => ({ id: from + i }));
const result = (records: unknown[], body: unknown = {}, headers: Record<string, string> = {}, url = 'https://api.test/items'): PageResult => ({
  body,
  records: summarizeRecords(records),
  response: { headers, url },
});

/** Drives a paginator over pages until it stops; returns the tokens used. */
function drive(paginator: Paginator, pages: PageResult[]): PageToken[] {
  const tokens: PageToken[] = [];
  let token: PageToken | undefined = paginator.firstPage();
  for (const page of pages) {
    if (token === undefined) break;
    tokens.push(token);
    token = paginator.nextPage(page, token);
  }
  if (token !== undefined) tokens.push(token);
  return tokens;
}

describe('offset', () => {
  it('uses the defaults and stops on a short page', () => {
    const tokens = drive(createPaginator({ type: 'offset' }, context), [result(recordsOf(100)), result(recordsOf(100, 100)), result(recordsOf(3, 200))]);
    expect(tokens.map((t) => t.params)).toEqual([
      { offset: '0', limit: '100' },
      { offset: '100', limit: '100' },
      { offset: '200', limit: '100' },
    ]);
    expect(tokens[1]?.page).toEqual({ offset: 100, limit: 100, size: 100 });
  });

  it('uses the manifest names and stops on an empty page', () => {
    const paginator = createPaginator({ type: 'offset', offset_param: 'from', limit_param: 'count', page_size: 2 }, context);
    const tokens = drive(paginator, [result(recordsOf(2)), result([]), result(recordsOf(2))]);
    expect(tokens.map((t) => t.params)).toEqual([{ from: '0', count: '2' }, { from: '2', count: '2' }]);
  });

  it('refuses the same full page twice', () => {
    const paginator = createPaginator({ type: 'offset', page_size: 2 }, context);
    expect(() => drive(paginator, [result(recordsOf(2)), result(recordsOf(2)), result(recordsOf(2))])).toThrow(/returned the same page/);
  });
});

describe('page', () => {
  it('counts from start_page and stops on a short page', () => {
    const paginator = createPaginator({ type: 'page', page_size: 2, start_page: 0, size_param: 'size' }, context);
    const tokens = drive(paginator, [result(recordsOf(2)), result(recordsOf(1, 2)), result(recordsOf(2, 3))]);
    expect(tokens.map((t) => t.params)).toEqual([{ page: '0', size: '2' }, { page: '1', size: '2' }]);
    expect(tokens[1]?.page).toEqual({ number: 1, size: 2, limit: 2, offset: 2 });
  });

  it('without page_size sends no size and stops only on an empty page', () => {
    const tokens = drive(createPaginator({ type: 'page' }, context), [result(recordsOf(5)), result(recordsOf(1, 5)), result([])]);
    expect(tokens.map((t) => t.params)).toEqual([{ page: '1' }, { page: '2' }, { page: '3' }]);
  });

  it('refuses the same page twice', () => {
    const paginator = createPaginator({ type: 'page' }, context);
    expect(() => drive(paginator, [result(recordsOf(3)), result(recordsOf(3))])).toThrow(HttpError);
  });
});

describe('cursor', () => {
  const definition: Pagination = { type: 'cursor', cursor_path: 'paging.next.after', cursor_param: 'after', limit_param: 'limit', page_size: 2 };

  it('sends the cursor from the body until it is absent', () => {
    const tokens = drive(createPaginator(definition, context), [
      result(recordsOf(2), { paging: { next: { after: 'c2' } } }),
      result(recordsOf(2), { paging: { next: { after: 'c4' } } }),
      result(recordsOf(1), { paging: {} }),
    ]);
    expect(tokens.map((t) => t.params)).toEqual([{ limit: '2' }, { limit: '2', after: 'c2' }, { limit: '2', after: 'c4' }]);
    expect(tokens[1]?.page).toEqual({ limit: 2, size: 2, cursor: 'c2' });
  });

  it.each([null, '', undefined])('stops when the cursor is %s', (value) => {
    const paginator = createPaginator({ type: 'cursor', cursor_path: 'next' }, context);
    expect(paginator.nextPage(result(recordsOf(1), { next: value }), paginator.firstPage())).toBeUndefined();
  });

  it('stops on an empty page even with a cursor', () => {
    const paginator = createPaginator({ type: 'cursor', cursor_path: 'next' }, context);
    expect(paginator.nextPage(result([], { next: 'x' }), paginator.firstPage())).toBeUndefined();
  });

  it('refuses a cursor seen before', () => {
    const paginator = createPaginator({ type: 'cursor', cursor_path: 'next' }, context);
    const body = { next: 'same' };
    expect(() => drive(paginator, [result(recordsOf(1), body), result(recordsOf(1), body)])).toThrow(
      'Stream "items": the API returned the cursor "same" a second time, so pagination would never end.',
    );
  });
});

describe('link', () => {
  it('follows rel="next" (relative too) and stops without it', () => {
    const paginator = createPaginator({ type: 'link', limit_param: 'per_page', page_size: 2 }, context);
    const tokens = drive(paginator, [
      result(recordsOf(2), {}, { link: '</items?page=2>; rel="next"' }, 'https://api.test/items'),
      result(recordsOf(2), {}, { link: '<https://api.test/items?page=3>; rel="next", </items?page=1>; rel="prev"' }, 'https://api.test/items?page=2'),
      result(recordsOf(2), {}, { link: '</items?page=2>; rel="prev"' }, 'https://api.test/items?page=3'),
    ]);
    expect(tokens.map((t) => t.url)).toEqual([undefined, 'https://api.test/items?page=2', 'https://api.test/items?page=3']);
    expect(tokens[0]?.params).toEqual({ per_page: '2' });
  });

  it('refuses a URL already fetched', () => {
    const paginator = createPaginator({ type: 'link' }, context);
    const page = result(recordsOf(1), {}, { link: '<https://api.test/items?page=1>; rel="next"' }, 'https://api.test/items?page=1');
    expect(() => paginator.nextPage(page, paginator.firstPage())).toThrow(/sent the next page's URL https:\/\/api.test\/items a second time/);
  });
});

describe('next_url', () => {
  it('follows a bracketed path and stops on null', () => {
    const paginator = createPaginator({ type: 'next_url', next_url_path: '["odata.nextLink"]' }, context);
    const tokens = drive(paginator, [
      result(recordsOf(1), { 'odata.nextLink': 'https://api.test/items?$skip=1' }),
      result(recordsOf(1), { 'odata.nextLink': null }, {}, 'https://api.test/items?$skip=1'),
    ]);
    expect(tokens.map((t) => t.url)).toEqual([undefined, 'https://api.test/items?$skip=1']);
  });

  it('refuses a URL seen before', () => {
    const paginator = createPaginator({ type: 'next_url', next_url_path: 'next' }, context);
    const pages = [
      result(recordsOf(1), { next: 'https://api.test/items?p=2' }, {}, 'https://api.test/items'),
      result(recordsOf(1), { next: 'https://api.test/items?p=2' }, {}, 'https://api.test/items?p=2'),
    ];
    expect(() => drive(paginator, pages)).toThrow(/a second time/);
  });

  it('refuses a next URL on another origin, so the credentials never follow it there', () => {
    for (const next of ['https://evil.test/steal', 'http://api.test/items?p=2', 'https://api.test:8443/items?p=2']) {
      const paginator = createPaginator({ type: 'next_url', next_url_path: 'next' }, context);
      expect(() => drive(paginator, [result(recordsOf(1), { next })])).toThrow(/not sent to another origin/);
    }
    const relative = createPaginator({ type: 'next_url', next_url_path: 'next' }, context);
    const tokens = drive(relative, [result(recordsOf(1), { next: '/items?p=2' }), result(recordsOf(1), { next: null }, {}, 'https://api.test/items?p=2')]);
    expect(tokens.map((t) => t.url)).toEqual([undefined, 'https://api.test/items?p=2']);
  });
});

describe('createPaginator', () => {
  it('makes one request without pagination', () => {
    const paginator = createPaginator(undefined, context);
    expect(paginator.nextPage(result(recordsOf(5)), paginator.firstPage())).toBeUndefined();
  });

  it('refuses an unknown type', () => {
    expect(() => createPaginator({ type: 'weird' } as unknown as Pagination, context)).toThrow(ManifestError);
  });
});
