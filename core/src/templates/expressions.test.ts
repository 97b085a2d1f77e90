import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import { compileTemplate } from './render.js';
import { TemplateSyntaxError } from './template-syntax-error.js';
import { compileTemplateTree } from './tree.js';

const context = {
  config: { region: 'eu', empty: '', account: { id: 42, name: 'acme' }, unset: null },
  secrets: { a: 'user', b: 'p:w', blank: '', optional_key: null },
  auth: { tenant: 't1' },
};
const fixed = new Date('2026-01-02T03:04:05.678Z');

describe('concatenation with ~', () => {
  it('joins paths and literals as text', () => {
    expect(compileTemplate('{{ secrets.a ~ ":" ~ secrets.b }}').render(context)).toBe('user:p:w');
    expect(compileTemplate('id-{{ config.account.id ~ "/" ~ config.region }}!').render(context)).toBe('id-42/eu!');
    expect(compileTemplate('{{ "v" ~ 2 }}').renderValue(context)).toBe('v2');
  });

  it('applies filters after the whole concatenation', () => {
    expect(compileTemplate('{{ secrets.a ~ ":" ~ secrets.b | base64 }}').render(context)).toBe(Buffer.from('user:p:w').toString('base64'));
    expect(compileTemplate('{{ config.region ~ " x" | urlencode }}').render(context)).toBe('eu%20x');
  });

  it('is missing when any part is', () => {
    expect(() => compileTemplate('{{ secrets.a ~ config.nope }}').render(context)).toThrow(/has no value for `config\.nope`/);
    expect(compileTemplate('{{ secrets.a ~ config.nope | default("d") }}').render(context)).toBe('d');
  });
});

describe('fallback with ||', () => {
  it('takes the first value that is set and not empty', () => {
    expect(compileTemplate('{{ config.nope || "us" }}').render(context)).toBe('us');
    expect(compileTemplate('{{ config.empty || "us" }}').render(context)).toBe('us');
    expect(compileTemplate('{{ config.region || "us" }}').render(context)).toBe('eu');
    expect(compileTemplate('{{ config.nope || config.unset || config.region || "x" }}').render(context)).toBe('eu');
    expect(compileTemplate('{{ config.nope || config.empty || "x" }}').render(context)).toBe('x');
    expect(compileTemplate('{{ config.nope || config.account.id }}').renderValue(context)).toBe(42);
  });

  it('binds tighter than ~', () => {
    expect(compileTemplate('{{ config.nope || "us" ~ "-1" }}').render(context)).toBe('us-1');
    expect(compileTemplate('{{ "a" ~ config.nope || config.region }}').render(context)).toBe('aeu');
  });

  it('is missing when no operand is set, and an empty last value stays empty', () => {
    expect(() => compileTemplate('{{ config.nope || config.unset }}').render(context)).toThrow(/has no value for `config\.unset`/);
    expect(compileTemplate('{{ config.nope || config.empty }}').render(context)).toBe('');
  });
});

describe('groups with ( )', () => {
  const host = '{{ ("https://" ~ config.host) || ("https://" ~ config.subdomain ~ ".example.com") }}/api';

  it('falls back between whole concatenations: a group with an unset part is unset', () => {
    expect(compileTemplate(host).render({ config: { host: 'h.test', subdomain: 'acme' } })).toBe('https://h.test/api');
    expect(compileTemplate(host).render({ config: { host: null, subdomain: 'acme' } })).toBe('https://acme.example.com/api');
    expect(compileTemplate('{{ ("api." ~ config.region ~ ".") || "" }}x.io').render(context)).toBe('api.eu.x.io');
    expect(compileTemplate('{{ ("api." ~ config.nope ~ ".") || "" }}x.io').render(context)).toBe('x.io');
  });

  it('says which value is missing when no side is set', () => {
    expect(() => compileTemplate(host).render({ config: { host: null, subdomain: null } })).toThrow(/has no value for `config\.subdomain`/);
  });

  it('applies filters inside the group to the group only', () => {
    expect(compileTemplate('{{ (secrets.a ~ ":" ~ secrets.b | base64) ~ "!" }}').render(context)).toBe(`${Buffer.from('user:p:w').toString('base64')}!`);
    expect(compileTemplate('{{ "x" ~ (config.region | urlencode) }}').render(context)).toBe('xeu');
    expect(compileTemplate('{{ (now | unix) ~ "s" }}').render({ ...context, now: () => fixed })).toBe('1767323045s');
  });

  it('lists the paths inside groups as references', () => {
    expect(compileTemplate(host).references.map((r) => `${r.namespace}.${r.path.join('.')}`)).toEqual(['config.host', 'config.subdomain']);
  });

  it('refuses an empty or unclosed group with the place', () => {
    expect(() => compileTemplate('{{ () }}')).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate('{{ () }}')).toThrow(/empty group/);
    expect(() => compileTemplate('{{ (config.a ~ "x" }}')).toThrow(/expected `\)` to close the group, found `}}`/);
  });
});

describe('now', () => {
  it('reads the context clock', () => {
    const withClock = { ...context, now: () => fixed };
    expect(compileTemplate('{{ now | unix }}').renderValue(withClock)).toBe(1767323045);
    expect(compileTemplate('{{ now | iso }}').render(withClock)).toBe('2026-01-02T03:04:05.678Z');
    expect(compileTemplate('{{ now }}').render(withClock)).toBe('2026-01-02T03:04:05.678Z');
    expect(compileTemplate('t={{ now | unix }}').render(withClock)).toBe('t=1767323045');
    expect(() => compileTemplate('{{ now | unix ~ "s" }}')).toThrow(/unexpected `~`/);
  });

  it('falls back to the system clock', () => {
    const before = Math.floor(Date.now() / 1000);
    const value = compileTemplate('{{ now | unix }}').renderValue({}) as number;
    expect(value).toBeGreaterThanOrEqual(before);
    expect(value).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('converts date strings and epoch seconds, and rejects other values', () => {
    expect(compileTemplate('{{ config.d | unix }}').renderValue({ config: { d: '1970-01-02T00:00:00Z' } })).toBe(86400);
    expect(compileTemplate('{{ config.d | iso }}').renderValue({ config: { d: 86400 } })).toBe('1970-01-02T00:00:00.000Z');
    expect(() => compileTemplate('{{ config.region | unix }}').render(context)).toThrow(TemplateError);
    expect(() => compileTemplate('{{ config.region | unix }}').render(context)).toThrow(/needs a time/);
  });

  it('does not count as a reference', () => {
    expect(compileTemplate('{{ now | iso }}').references).toEqual([]);
  });
});

describe('nested paths', () => {
  it('reads nested config values', () => {
    expect(compileTemplate('{{ config.account.id }}').renderValue(context)).toBe(42);
    expect(compileTemplate('{{ config["account"].name }}').render(context)).toBe('acme');
  });
});

describe('references of the new forms', () => {
  it('lists every operand with its offset', () => {
    const source = '{{ secrets.a ~ ":" ~ config.x || config.y | base64 }}';
    const refs = compileTemplate(source).references;
    expect(refs.map((r) => [r.namespace, r.path.join('.'), source.slice(r.start, r.end)])).toEqual([
      ['secrets', 'a', 'secrets.a'],
      ['config', 'x', 'config.x'],
      ['config', 'y', 'config.y'],
    ]);
  });
});

describe('syntax errors of the new forms', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['{{ a ~ }}', 7, /expected a value after `~`, found `\}\}`/],
    ['{{ a || }}', 8, /expected a value after `\|\|`, found `\}\}`/],
    ['{{ a || | base64 }}', 8, /expected a value after `\|\|`, found `\|`/],
    ['{{ ~ a }}', 3, /must start with a namespace/],
    ['{{ now.x }}', 6, /`now` is the current time and has no fields/],
    ['{{ a | unix(1) }}', 7, /takes 0 arguments/],
    ['{{ a | upper }}', 7, /available: base64, urlencode, default, unix, iso/],
    ['{{ a ~ b c }}', 9, /unexpected `c`/],
  ];
  for (const [source, offset, message] of cases) {
    it(`rejects ${source}`, () => {
      let error: unknown;
      try {
        compileTemplate(source);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect((error as TemplateSyntaxError).offset).toBe(offset);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('renderOptional and dropEmpty trees (headers, query parameters)', () => {
  it('leaves out a value that reads a declared but unset config or secret', () => {
    expect(compileTemplate('{{ secrets.optional_key }}').renderOptional(context)).toBeUndefined();
    expect(compileTemplate('Key {{ secrets.optional_key }}').renderOptional(context)).toBeUndefined();
    expect(compileTemplate('{{ config.unset }}').renderOptional(context)).toBeUndefined();
    expect(compileTemplate('{{ config.region }}').renderOptional(context)).toBe('eu');
  });

  it('leaves out a value that renders empty', () => {
    expect(compileTemplate('{{ config.empty }}').renderOptional(context)).toBeUndefined();
    expect(compileTemplate('{{ config.unset || secrets.blank }}').renderOptional(context)).toBeUndefined();
    expect(compileTemplate('').renderOptional(context)).toBe('');
  });

  it('still throws for a value that is not declared, or from another namespace', () => {
    expect(() => compileTemplate('{{ config.typo }}').renderOptional(context)).toThrow(/no value for `config\.typo`/);
    expect(() => compileTemplate('{{ auth.missing }}').renderOptional(context)).toThrow(/no value for `auth\.missing`/);
  });

  it('drops map entries and list items only with dropEmpty', () => {
    const tree = { 'X-Region': '{{ config.region }}', 'X-Key': '{{ secrets.optional_key }}', 'X-Empty': '{{ config.empty }}', list: ['{{ config.unset }}', 'a'] };
    expect(compileTemplateTree(tree, 'h', { dropEmpty: true }).render(context)).toEqual({ 'X-Region': 'eu', list: ['a'] });
    expect(() => compileTemplateTree(tree, 'h').render(context)).toThrow(/no value for `secrets\.optional_key`/);
  });
});
