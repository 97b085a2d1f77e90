/**
 * `rate_limit` (DESIGN.md section 13 "Rate limits"): a rate above 0 and a burst of at least 1,
 * anything else one `file:line:col: path: message` problem.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

function manifest(rateLimit: string): string {
  return [
    'apiVersion: connectors/v1',
    'name: demo',
    'auth:',
    '  scheme: none',
    'base_url: "http://127.0.0.1:9"',
    rateLimit,
    'streams:',
    '  - name: items',
    '    path: /items',
    '',
  ].join('\n');
}

function problems(text: string): string[] {
  const loaded = parseYamlText('m.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

describe('rate_limit', () => {
  it('accepts a rate with or without a burst, fractions included', () => {
    expect(problems(manifest('rate_limit: {requests_per_second: 10, burst: 5}'))).toEqual([]);
    expect(problems(manifest('rate_limit: {requests_per_second: 0.5}'))).toEqual([]);
  });
  it('refuses a rate of 0 or below, at its line and column', () => {
    expect(problems(manifest('rate_limit: {requests_per_second: 0}'))).toEqual(['m.yaml:6:35: rate_limit.requests_per_second: must be > 0, got 0']);
    expect(problems(manifest('rate_limit:\n  requests_per_second: -2'))).toEqual(['m.yaml:7:24: rate_limit.requests_per_second: must be > 0, got -2']);
  });
  it('refuses a burst below 1 or not whole', () => {
    expect(problems(manifest('rate_limit: {requests_per_second: 1, burst: 0}'))).toEqual(['m.yaml:6:45: rate_limit.burst: must be >= 1, got 0']);
    expect(problems(manifest('rate_limit: {requests_per_second: 1, burst: 1.5}'))).toHaveLength(1);
  });
  it('refuses a rate_limit without a rate, and unknown keys', () => {
    expect(problems(manifest('rate_limit: {burst: 3}'))[0]).toMatch(/^m\.yaml:6:\d+: rate_limit.*requests_per_second/);
    expect(problems(manifest('rate_limit: {requests_per_second: 1, per_minute: 3}'))[0]).toMatch(/^m\.yaml:6:\d+: .*per_minute/);
  });
});
