import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePluginSpec } from './plugin-spec.js';

describe('parsePluginSpec', () => {
  it.each([
    ['connectors-plugin-acme', 'connectors-plugin-acme'],
    ['connectors-plugin-acme@1.2.3', 'connectors-plugin-acme'],
    ['@acme/connectors-scheme', '@acme/connectors-scheme'],
    ['@acme/connectors-scheme@^2', '@acme/connectors-scheme'],
  ])('passes the npm spec %s through and knows its name', (spec, name) => {
    expect(parsePluginSpec(spec, '/work')).toEqual({ kind: 'registry', name, npmSpec: spec });
  });

  it.each([
    ['./plugins/acme', '/work/plugins/acme'],
    ['../acme', '/acme'],
    ['/opt/acme', '/opt/acme'],
    ['file:plugins/acme', '/work/plugins/acme'],
    ['acme-1.0.0.tgz', '/work/acme-1.0.0.tgz'],
    ['~/acme', join(homedir(), 'acme')],
  ])('resolves the local path %s against the working directory', (spec, path) => {
    expect(parsePluginSpec(spec, '/work')).toEqual({ kind: 'path', path, npmSpec: path });
  });
});
