import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { compileOwnSchema } from './ajv.js';
import { loadValidationSchema } from './load-schema.js';
import { buildStandaloneValidator, PRECOMPILED_SCHEMAS } from './standalone.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const scratch = mkdtempSync(join(here, '.standalone-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Loads generated code the way the build's output is loaded: a .cjs module required from core. */
function loadStandalone(file: string): ValidateFunction {
  const path = join(scratch, `${file}.cjs`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buildStandaloneValidator(loadValidationSchema(file)));
  return createRequire(path)(path) as ValidateFunction;
}

/** Every manifest the repository holds: the catalog and the validation fixtures, valid or not. */
function manifests(): Array<[string, unknown]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(repo, 'connectors'));
  walk(join(here, '..', 'manifest', '__fixtures__'));
  const parsed: Array<[string, unknown]> = [];
  for (const file of files) {
    try {
      const value = load(readFileSync(file, 'utf8'));
      if (value && typeof value === 'object') parsed.push([file.slice(repo.length + 1), value]);
    } catch {
      // not YAML: the loader reports those; nothing for the schema to say
    }
  }
  return parsed;
}

describe('precompiled validators', () => {
  it('exist for the manifest, the project config and every built-in scheme', () => {
    const schemes = readdirSync(join(repo, 'schemas', 'auth')).map((file) => `auth/${file}`);
    expect([...PRECOMPILED_SCHEMAS].sort()).toEqual(['connector.schema.json', 'connectors.config.schema.json', ...schemes].sort());
  });

  const cases = manifests();
  it('covers the catalog and the fixtures', () => {
    expect(cases.length).toBeGreaterThan(15);
  });

  let standalone: ValidateFunction | undefined;
  it.each(cases)('%s: same verdict, errors and defaults as the schema compiled at run time', (_file, value) => {
    standalone ??= loadStandalone('connector.schema.json');
    const runtime = compileOwnSchema(loadValidationSchema('connector.schema.json'));
    const a = structuredClone(value);
    const b = structuredClone(value);
    expect(standalone(a)).toBe(runtime(b));
    expect(a).toEqual(b); // defaults applied alike
    const strip = (errors: ValidateFunction['errors']) =>
      (errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
    expect(strip(standalone.errors)).toEqual(strip(runtime.errors));
  });
});
