import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

function problems(partition: string[]): string[] {
  const text = [
    'apiVersion: connectors/v1',
    'name: demo',
    'config: {type: object, properties: {start: {type: string}}}',
    'auth:',
    '  scheme: none',
    'base_url: http://127.0.0.1:9',
    'streams:',
    '  - name: invoices',
    '    path: /invoice',
    '    partition:',
    ...partition.map((line) => `      ${line}`),
    '',
  ].join('\n');
  const loaded = parseYamlText('m.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('partition: {type: date_range} in validate', () => {
  it('accepts a templated start, end now and a duration step', () => {
    expect(problems(['type: date_range', 'start: "{{ config.start }}"', 'end: now', 'step: P30D', 'start_param: dateFrom', 'end_param: dateTo', 'format: date'])).toEqual([]);
  });

  it('refuses a step that is not an ISO-8601 duration at file:line:col', () => {
    expect(problems(['type: date_range', 'start: "2025-01-01"', 'step: 30d'])).toEqual([
      'm.yaml:13:13: streams[0].partition.step: step "30d" is not an ISO-8601 duration longer than zero, such as P30D, P1M or PT12H',
    ]);
    expect(problems(['type: date_range', 'start: "2025-01-01"', 'step: P0D'])).toHaveLength(1);
  });

  it('refuses a fixed start after a fixed end, and bounds that are not dates', () => {
    expect(problems(['type: date_range', 'start: "2025-05-01"', 'end: "2025-01-01"', 'step: P1M'])).toEqual([
      'm.yaml:12:14: streams[0].partition.start: start 2025-05-01 is after end 2025-01-01',
    ]);
    expect(problems(['type: date_range', 'start: soon', 'end: later', 'step: P1M'])).toEqual([
      'm.yaml:12:14: streams[0].partition.start: start "soon" is not a date (YYYY-MM-DD) or an ISO-8601 date-time',
      'm.yaml:13:12: streams[0].partition.end: end "later" is not "now", a date (YYYY-MM-DD) or an ISO-8601 date-time',
    ]);
  });

  it('checks the templates of start and end like any other', () => {
    expect(problems(['type: date_range', 'start: "{{ config.strat }}"', 'end: "{{ config.start }}"', 'step: P1M']).join('\n')).toMatch(
      /^m\.yaml:12:\d+: streams\[0\]\.partition\.start: .*strat/,
    );
  });

  it('refuses unknown keys and a missing step through the schema', () => {
    expect(problems(['type: date_range', 'start: "2025-01-01"', 'size: P1M']).join('\n')).toMatch(/m\.yaml:\d+:\d+: streams\[0\]\.partition/);
  });
});
