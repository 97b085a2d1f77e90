import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(formatTable(['NAME', 'SCHEME'], [['tripletex', 'tripletex'], ['demo', 'oauth2']])).toBe(
      ['NAME       SCHEME', 'tripletex  tripletex', 'demo       oauth2'].join('\n'),
    );
  });
});

describe('formatTable with maxWidth (issue 9: list within the terminal width)', () => {
  const header = ['NAME', 'SCHEME', 'STREAMS', 'TITLE'];
  const rows = [
    ['hubspot', 'oauth2', 'contacts, companies, deals, tickets, owners, pipelines, engagements', 'HubSpot CRM'],
    ['demo', 'none', 'items', 'Demo API, a longer title than the others'],
  ];
  const codePoints = (line: string) => [...line].length;

  it('cuts only the truncatable columns, with an ellipsis, so that every line fits', () => {
    const table = formatTable(header, rows, { maxWidth: 50, truncatable: [2, 3] });
    const lines = table.split('\n');
    for (const line of lines) expect(codePoints(line)).toBeLessThanOrEqual(50);
    expect(lines[1]).toMatch(/^hubspot {2}oauth2 {2}contacts, .*… {2}HubSpot CRM$/);
    expect(lines[2]).toMatch(/^demo {5}none {4}items {2,}Demo API.*…$/);
  });

  it('leaves a table that fits as it is', () => {
    expect(formatTable(header, rows, { maxWidth: 500, truncatable: [2, 3] })).toBe(formatTable(header, rows));
    expect(formatTable(header, rows)).not.toContain('…');
  });

  it('never cuts the other columns, even when the line stays too wide', () => {
    const lines = formatTable(header, rows, { maxWidth: 10, truncatable: [2, 3] }).split('\n');
    expect(lines[1]).toMatch(/^hubspot {2}oauth2 {2}/);
    expect(lines[1]).toContain('…');
  });
});
