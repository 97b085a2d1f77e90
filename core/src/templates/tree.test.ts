import { describe, expect, it } from 'vitest';
import { compileTemplateTree, appendOrigin } from './tree.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

describe('compileTemplateTree', () => {
  it('renders every string deeply into a new structure, keeping raw values of single expressions', () => {
    const source = { fields: 'id,name', from: '{{ page.offset }}', filter: { since: '{{ state.cursor }}', tags: ['a', '{{ config.tag }}'] }, n: 3, ok: null };
    const tree = compileTemplateTree(source, 'm.yaml:4:5 (streams[0].body)');
    expect(tree.isStatic).toBe(false);
    const out = tree.render({ page: { offset: 200 }, state: { cursor: 'c1' }, config: { tag: 't' } });
    expect(out).toEqual({ fields: 'id,name', from: 200, filter: { since: 'c1', tags: ['a', 't'] }, n: 3, ok: null });
    expect(out).not.toBe(source);
    expect(source.from).toBe('{{ page.offset }}');
  });

  it('is static without tags and still returns a fresh structure', () => {
    const source = { a: { b: ['x'] } };
    const tree = compileTemplateTree(source);
    expect(tree.isStatic).toBe(true);
    const out = tree.render({}) as typeof source;
    expect(out).toEqual(source);
    expect(out.a).not.toBe(source.a);
  });

  it('keeps a __proto__ key as plain data', () => {
    const source = JSON.parse('{"__proto__": {"polluted": "{{ config.x }}"}}');
    const out = compileTemplateTree(source).render({ config: { x: 'y' } }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the nested key in errors', () => {
    expect(() => compileTemplateTree({ a: ['{{ x'] }, 'm.yaml:2:3 (params)')).toThrow(TemplateSyntaxError);
    expect(() => compileTemplateTree({ a: ['{{ x'] }, 'm.yaml:2:3 (params)')).toThrow(/m\.yaml:2:3 \(params\.a\[0\]\)/);
    expect(() => compileTemplateTree({ q: '{{ config.no }}' }, 'm.yaml:2:3 (params)').render({})).toThrow(/params\.q/);
  });

  it('appends keys to origins', () => {
    expect(appendOrigin(undefined, 'a')).toBe('a');
    expect(appendOrigin('f:1:2 (x)', 'SO-Key')).toBe('f:1:2 (x["SO-Key"])');
    expect(appendOrigin('f:1:2', 0)).toBe('f:1:2 ([0])');
  });
});
