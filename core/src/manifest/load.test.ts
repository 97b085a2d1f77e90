import { describe, expect, it } from 'vitest';
import { loadYamlFile, parseYamlText } from './load.js';
import { formatProblem } from './problem.js';

function problems(text: string): string[] {
  const result = parseYamlText('m.yaml', text);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('parseYamlText', () => {
  it('refuses several documents, a scalar document and a null document', () => {
    expect(problems('a: 1\n---\nb: 2\n')).toEqual(['m.yaml:2:1: the file holds more than one YAML document (`---`); a manifest is one document']);
    expect(problems('just text\n')).toEqual(['m.yaml:1:1: the document is a single value; a manifest must be a mapping (key: value)']);
    expect(problems('# only a comment\n~\n')).toEqual(['m.yaml:1:1: the file holds no data; a manifest is a YAML mapping']);
  });

  it('reports every duplicate key with its name and path', () => {
    expect(problems('a: 1\nb:\n  c: 1\n  "c": 2\na: 3\n')).toEqual([
      'm.yaml:4:3: b.c: duplicate key `c`; each key may appear once in a mapping',
      'm.yaml:5:1: a: duplicate key `a`; each key may appear once in a mapping',
    ]);
  });

  it('gives the path of a duplicate key inside a list item (issue 3)', () => {
    expect(problems('streams:\n  - name: a\n    path: /a\n    path: /b\n')).toEqual([
      'm.yaml:4:5: streams[0].path: duplicate key `path`; each key may appear once in a mapping',
    ]);
  });

  it('locates keys and values, through the fast parser and with anchors', () => {
    for (const text of ['a:\n  b: [x, {c: 1}]\n', 'base: &b {c: 1}\na:\n  b: [x, *b]\n']) {
      const result = parseYamlText('m.yaml', text);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const line = text.startsWith('base') ? 3 : 2;
      expect(result.yaml.value.a).toEqual({ b: ['x', { c: 1 }] });
      expect(result.yaml.locate(['a', 'b'], 'key')).toEqual({ line, col: 3 });
      expect(result.yaml.locate(['a', 'b', 0])).toEqual({ line, col: 7 });
      expect(result.yaml.locate(['a', 'missing', 3])).toEqual({ line, col: 3 });
    }
  });

  it('keeps YAML 1.2 core scalars: dates and yes stay strings', () => {
    const result = parseYamlText('m.yaml', 'd: 2020-01-01\nb: yes\nn: 12\nt: true\n');
    expect(result.ok && result.yaml.value).toEqual({ d: '2020-01-01', b: 'yes', n: 12, t: true });
  });

  // An expanded bomb (10^11 nodes) would overrun the 60 s timeout by far; no wall-clock bound.
  it('stops an alias bomb', { timeout: 60_000 }, () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(problems(lines.join('\n'))).toEqual([expect.stringMatching(/^m\.yaml:1:1: YAML error: .*alias/i)]);
  });

  it('keeps a __proto__ key as data', () => {
    const result = parseYamlText('m.yaml', '__proto__: {polluted: 1}\n');
    expect(result.ok && Object.keys(result.yaml.value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('YAML that cannot be read (issue 9)', () => {
  it('a document nested too deeply says so, not "maximum call stack size exceeded"', () => {
    const deep = `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
    expect(problems(deep)).toEqual([expect.stringMatching(/^m\.yaml:\d+:\d+: the YAML is nested too deeply to read; a manifest needs a few dozen levels at most$/)]);
  });

  it('a file whose size stat does not know (/dev/zero) is refused after 1 MiB', async () => {
    const result = await loadYamlFile('/dev/zero');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(['/dev/zero: the file is over 1 MiB; a manifest may be at most 1 MiB']);
  });
});
