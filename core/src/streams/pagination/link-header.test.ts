import { describe, expect, it } from 'vitest';
import { findNextLink, parseLinkHeader } from './link-header.js';

describe('parseLinkHeader', () => {
  it('parses several links with quoted and bare parameters', () => {
    const links = parseLinkHeader('<https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel=last; title="a, b"');
    expect(links).toEqual([
      { target: 'https://api/x?page=2', rel: ['next'], params: { rel: 'next' } },
      { target: 'https://api/x?page=9', rel: ['last'], params: { rel: 'last', title: 'a, b' } },
    ]);
  });

  it('splits a rel list and lower-cases it', () => {
    expect(parseLinkHeader('</p/2>; REL="Next Last"')[0]?.rel).toEqual(['next', 'last']);
  });

  it('keeps commas inside targets and reads header arrays', () => {
    expect(findNextLink(['<https://api/x?ids=1,2>; rel="next"'])).toBe('https://api/x?ids=1,2');
  });

  it('finds no next link when none has rel="next"', () => {
    expect(findNextLink('<https://api/x?page=1>; rel="prev"')).toBeUndefined();
    expect(findNextLink(undefined)).toBeUndefined();
    expect(findNextLink('garbage')).toBeUndefined();
  });
});
