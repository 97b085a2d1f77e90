import { describe, expect, it } from 'vitest';
import { TemplateError } from '../errors.js';
import { compileTemplate } from './render.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

const context = {
  config: { base_url: 'https://api.example.com/v2', page_size: 50, flag: true, list: ['a', 'b'], nested: { x: 1 } },
  secrets: { 'SO-Apptoken': 'app-token', client_id: 'id', client_secret: 's e/c' },
  auth: { webapi_url: 'https://sod.superoffice.com/Cust1/api' },
  state: { cursor: '2024-01-01' },
  page: { offset: 0, limit: 100 },
};

describe('compileTemplate', () => {
  it('keeps a string without tags static', () => {
    const t = compileTemplate('/customer');
    expect(t.isStatic).toBe(true);
    expect(t.references).toEqual([]);
    expect(t.render({})).toBe('/customer');
    expect(t.renderValue({})).toBe('/customer');
  });

  it('renders dot paths, bracket names and indexes', () => {
    expect(compileTemplate('{{ config.base_url }}/token').render(context)).toBe('https://api.example.com/v2/token');
    expect(compileTemplate('{{ secrets["SO-Apptoken"] }}').render(context)).toBe('app-token');
    expect(compileTemplate("{{secrets['SO-Apptoken']}}").render(context)).toBe('app-token');
    expect(compileTemplate('{{ config.list[1] }}').render(context)).toBe('b');
    expect(compileTemplate('{{ auth.webapi_url }}/v1').render(context)).toBe('https://sod.superoffice.com/Cust1/api/v1');
    expect(compileTemplate('a{{ page.offset }}b{{ page.limit }}c').render(context)).toBe('a0b100c');
  });

  it('renders numbers, booleans and objects as text', () => {
    expect(compileTemplate('n={{ config.page_size }} f={{ config.flag }}').render(context)).toBe('n=50 f=true');
    expect(compileTemplate('{{ config.nested }}!').render(context)).toBe('{"x":1}!');
  });

  it('gives the raw value when the source is exactly one expression', () => {
    expect(compileTemplate('{{ config.page_size }}').renderValue(context)).toBe(50);
    expect(compileTemplate('{{ config.flag }}').renderValue(context)).toBe(true);
    expect(compileTemplate('{{ config.nested }}').renderValue(context)).toEqual({ x: 1 });
    expect(compileTemplate(' {{ config.page_size }}').renderValue(context)).toBe(' 50');
    expect(compileTemplate('{{ config.missing | default(7) }}').renderValue(context)).toBe(7);
  });

  it('applies filters, chained', () => {
    expect(compileTemplate('{{ secrets.client_id | base64 }}').render(context)).toBe(Buffer.from('id').toString('base64'));
    expect(compileTemplate('{{ secrets.client_secret | urlencode }}').render(context)).toBe('s%20e%2Fc');
    expect(compileTemplate('{{ config.none | default("x y") | urlencode }}').render(context)).toBe('x%20y');
    expect(compileTemplate('{{ config.none | default("a") | base64 }}').render(context)).toBe('YQ==');
    expect(compileTemplate('{{ state.cursor | default("2020-01-01") }}').render(context)).toBe('2024-01-01');
    expect(compileTemplate('{{ state.cursor | default("2020-01-01") }}').render({})).toBe('2020-01-01');
  });

  it('lists its references with offsets into the source', () => {
    const source = 'x {{ config.base_url }} {{ secrets["SO-Apptoken"] | base64 }}';
    const t = compileTemplate(source);
    expect(t.isStatic).toBe(false);
    expect(t.references).toEqual([
      { namespace: 'config', path: ['base_url'], start: 5, end: 20 },
      { namespace: 'secrets', path: ['SO-Apptoken'], start: 27, end: 49 },
    ]);
    expect(source.slice(27, 49)).toBe('secrets["SO-Apptoken"]');
  });

  it('throws a TemplateError naming the expression and origin for a missing value', () => {
    const t = compileTemplate('{{ config.nope }}', 'c.yaml:3:9 (base_url)');
    expect(() => t.render(context)).toThrow(TemplateError);
    expect(() => t.render(context)).toThrow(/`\{\{ config\.nope \}\}` in c\.yaml:3:9 \(base_url\) has no value for `config\.nope`/);
    expect(() => compileTemplate('{{ config.nope | base64 }}').render(context)).toThrow(/no value/);
    expect(() => compileTemplate('{{ config.list[5] }}').render(context)).toThrow(/config\.list\[5\]/);
  });

  it('reads own data properties only', () => {
    for (const source of [
      '{{ config.constructor }}',
      '{{ config.__proto__ }}',
      '{{ config["__proto__"] }}',
      '{{ config.base_url.length }}',
      '{{ config.list.length }}',
      '{{ config.toString }}',
      '{{ constructor }}',
    ]) {
      expect(() => compileTemplate(source).render(context), source).toThrow(TemplateError);
    }
    const withFn = { config: { f: () => 'ran' } };
    expect(() => compileTemplate('{{ config.f }}').render(withFn)).toThrow(/no value/);
  });
});

describe('compileTemplate syntax errors', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['{{ constructor.constructor("x")() }}', 26, /unexpected `\(`/],
    ['abc {{ config.x', 4, /unclosed `\{\{`/],
    ['{{ {{ config.x }} }}', 3, /nested `\{\{`/],
    ['{{ }}', 0, /empty expression/],
    ['{{ config. }}', 11, /expected a name after `\.`/],
    ['{{ config[x] }}', 10, /quoted name or an index/],
    ['{{ config.a | upper }}', 14, /unknown filter `upper`/],
    ['{{ config.a | default }}', 14, /takes 1 argument/],
    ['{{ config.a | base64("x") }}', 14, /takes 0 arguments/],
    ['{{ config.a + 1 }}', 12, /unexpected character `\+`/],
    ['{{ "x" }}', 3, /must start with a namespace/],
    ['{{ config["a }}', 10, /unclosed string literal/],
    ['{{ config.a; process.exit() }}', 11, /unexpected character `;`/],
  ];
  for (const [source, offset, message] of cases) {
    it(`rejects ${source}`, () => {
      let error: unknown;
      try {
        compileTemplate(source, 'm.yaml:1:1');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateSyntaxError).offset).toBe(offset);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('m.yaml:1:1');
    });
  }

  // A quadratic scan of these inputs (2 MB of text, 100,000 tags) would take hours, so the
  // test's 60 s timeout catches it with a wide margin; a tighter wall-clock bound failed under load.
  it('handles huge input in linear time', { timeout: 60_000 }, () => {
    const big = 'x'.repeat(2_000_000) + '{{ config.base_url }}' + '}'.repeat(100_000);
    const t = compileTemplate(big);
    expect(t.render(context).length).toBe(2_000_000 + context.config.base_url.length + 100_000);
    const manyTags = '{{ page.offset }},'.repeat(50_000);
    expect(compileTemplate(manyTags).render(context).length).toBe(2 * 50_000);
    expect(() => compileTemplate('{{ ' + '['.repeat(100_000))).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate('{{'.repeat(100_000))).toThrow(TemplateSyntaxError);
  });
});
