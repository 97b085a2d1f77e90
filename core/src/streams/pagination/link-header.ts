/**
 * RFC 8288 `Link` header parsing: `<https://api/x?page=2>; rel="next", <...>; rel="prev last"`.
 * Pure, no URL resolution: targets are returned as written.
 */

/** One link of a `Link` header. */
export interface WebLink {
  /** The target as written between `<` and `>`. */
  target: string;
  /** The link's relation types, lower-cased (`rel="next last"` gives both). */
  rel: string[];
  /** Every parameter, names lower-cased, quotes removed. */
  params: Record<string, string>;
}

/** Parses one or more `Link` header values into their links; malformed parts are skipped. */
export function parseLinkHeader(header: string | readonly string[] | undefined): WebLink[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  const links: WebLink[] = [];
  for (const value of values) parseLinkValue(value, links);
  return links;
}

function parseLinkValue(value: string, links: WebLink[]): void {
  let i = 0;
  const n = value.length;
  while (i < n) {
    const open = value.indexOf('<', i);
    if (open < 0) return;
    const close = value.indexOf('>', open + 1);
    if (close < 0) return;
    const target = value.slice(open + 1, close).trim();
    const params: Record<string, string> = {};
    i = close + 1;
    // Parameters: `; name=value` or `; name="quoted, value"` until a comma outside quotes.
    while (i < n) {
      while (i < n && (value[i] === ' ' || value[i] === '\t')) i += 1;
      if (value[i] === ',') {
        i += 1;
        break;
      }
      if (value[i] !== ';') {
        i += 1;
        continue;
      }
      i += 1;
      const eq = findNameEnd(value, i);
      const name = value.slice(i, eq).trim().toLowerCase();
      i = eq;
      let paramValue = '';
      if (value[i] === '=') {
        i += 1;
        while (i < n && value[i] === ' ') i += 1;
        if (value[i] === '"') {
          let end = i + 1;
          let text = '';
          while (end < n && value[end] !== '"') {
            if (value[end] === '\\' && end + 1 < n) end += 1;
            text += value[end];
            end += 1;
          }
          paramValue = text;
          i = end + 1;
        } else {
          let end = i;
          while (end < n && value[end] !== ';' && value[end] !== ',') end += 1;
          paramValue = value.slice(i, end).trim();
          i = end;
        }
      }
      if (name !== '' && !(name in params)) params[name] = paramValue;
    }
    const rel = (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    links.push({ target, rel, params });
  }
}

function findNameEnd(value: string, start: number): number {
  let i = start;
  while (i < value.length && value[i] !== '=' && value[i] !== ';' && value[i] !== ',') i += 1;
  return i;
}

/** The target of the first link with `rel` `next`, or `undefined`. */
export function findNextLink(header: string | readonly string[] | undefined): string | undefined {
  return parseLinkHeader(header).find((link) => link.rel.includes('next'))?.target;
}
