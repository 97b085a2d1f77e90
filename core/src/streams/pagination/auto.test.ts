import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../plugin-api.js';
import { createPaginator, summarizeRecords, type PageResult, type PageToken, type Paginator } from './index.js';

const recordsOf = (n: number, from = 0): unknown[] => Array.from({ length: n }, (_, i) => ({ id: from + i }));
const result = (records: unknown[], body: unknown = records, headers: HttpResponse['headers'] = {}, url = 'https://api.test/items'): PageResult => ({
  body,
  records: summarizeRecords(records),
  response: { headers, url },
});

function auto(definition: Record<string, unknown> = {}): { paginator: Paginator; notices: string[] } {
  const notices: string[] = [];
  const paginator = createPaginator({ type: 'auto', ...definition }, { stream: 'items', notice: (m) => notices.push(m) });
  return { paginator, notices };
}

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

describe('pagination auto', () => {
  it('chooses link from a Link rel="next" header and follows it', () => {
    const { paginator, notices } = auto();
    const tokens = drive(paginator, [
      result(recordsOf(2), recordsOf(2), { link: '</items?page=2>; rel="next"' }),
      result(recordsOf(2), recordsOf(2), {}, 'https://api.test/items?page=2'),
    ]);
    expect(tokens.map((t) => t.url)).toEqual([undefined, 'https://api.test/items?page=2']);
    expect(notices).toEqual(['Stream "items": pagination auto chose link (the Link rel="next" header).']);
  });

  it.each([
    ['next', { next: 'https://api.test/items?p=2' }],
    ['nextLink', { nextLink: '/items?p=2' }],
    ['next_url', { next_url: 'https://api.test/items?p=2' }],
    ['["@odata.nextLink"]', { '@odata.nextLink': 'https://api.test/items?p=2' }],
    ['paging.next.link', { paging: { next: { link: 'https://api.test/items?p=2' } } }],
  ])('chooses next_url at %s', (path, extra) => {
    const { paginator, notices } = auto();
    const tokens = drive(paginator, [result(recordsOf(1), { value: recordsOf(1), ...extra }), result(recordsOf(1), { value: recordsOf(1) }, {}, 'https://api.test/items?p=2')]);
    expect(tokens.map((t) => t.url)).toEqual([undefined, 'https://api.test/items?p=2']);
    expect(notices).toEqual([`Stream "items": pagination auto chose next_url (next_url_path ${path}).`]);
  });

  it('prefers the Link header over a body link', () => {
    const { paginator, notices } = auto();
    paginator.nextPage(result(recordsOf(1), { next: 'https://api.test/items?b=2' }, { link: '<https://api.test/items?h=2>; rel="next"' }), paginator.firstPage());
    expect(notices[0]).toMatch(/chose link/);
  });

  it('does not take a non-URL `next` for a link', () => {
    const { paginator, notices } = auto();
    expect(paginator.nextPage(result(recordsOf(1), { next: 'abc' }), paginator.firstPage())).toBeUndefined();
    expect(notices[0]).toMatch(/found no next page/);
  });

  it.each([
    ['next_cursor', { next_cursor: 'c2' }, 'cursor'],
    ['cursor', { cursor: 'c2' }, 'cursor'],
    ['after', { after: 'c2' }, 'after'],
    ['paging.next.after', { paging: { next: { after: 'c2' } } }, 'after'],
  ])('chooses cursor at %s, sent as %s', (path, extra, param) => {
    const { paginator, notices } = auto({ page_size: 2 });
    const tokens = drive(paginator, [result(recordsOf(2), { data: recordsOf(2), ...extra }), result(recordsOf(1), { data: recordsOf(1) })]);
    expect(tokens.map((t) => t.params)).toEqual([{ limit: '2' }, { limit: '2', [param]: 'c2' }]);
    expect(notices).toEqual([`Stream "items": pagination auto chose cursor (cursor_path ${path}, sent as ${param}).`]);
  });

  it('chooses offset when the request took a limit and nothing else is found', () => {
    const { paginator, notices } = auto({ page_size: 2, limit_param: 'count', offset_param: 'from' });
    const tokens = drive(paginator, [result(recordsOf(2)), result(recordsOf(2, 2)), result(recordsOf(1, 4))]);
    expect(tokens.map((t) => t.params)).toEqual([{ count: '2' }, { from: '2', count: '2' }, { from: '4', count: '2' }]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/chose offset/);
  });

  it('chooses offset when the stream itself sent the limit, with that page size', () => {
    const { paginator, notices } = auto();
    const first = paginator.firstPage();
    const next = paginator.nextPage(result(recordsOf(3), recordsOf(3), {}, 'https://api.test/items?limit=3'), first);
    expect(notices[0]).toMatch(/chose offset/);
    expect(next?.params).toEqual({ offset: '3', limit: '3' });
    expect(paginator.nextPage(result(recordsOf(2, 3)), next!)).toBeUndefined();
  });

  it('reads one page when nothing is found and no limit was sent', () => {
    const { paginator, notices } = auto();
    expect(drive(paginator, [result(recordsOf(5))])).toHaveLength(1);
    expect(notices).toHaveLength(1);
  });

  it('keeps the loop and origin guards of the chosen paginator', () => {
    const { paginator } = auto();
    expect(() => paginator.nextPage(result(recordsOf(1), { next: 'https://evil.test/x' }), paginator.firstPage())).toThrow(/not sent to another origin/);
    const again = auto().paginator;
    expect(() => drive(again, [result(recordsOf(1), { cursor: 'same' }), result(recordsOf(1), { cursor: 'same' })])).toThrow(/a second time/);
  });

  it('never names a response value in its notice', () => {
    const { paginator, notices } = auto();
    paginator.nextPage(result(recordsOf(1), { next: 'https://api.test/items?token=s3cr3t' }), paginator.firstPage());
    expect(notices.join('\n')).not.toContain('s3cr3t');
  });
});
