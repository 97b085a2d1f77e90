// Every schema file compiles under draft 2020-12, and every `examples` entry validates against the
// (sub)schema that carries it: the examples in editors and docs are true.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;
const dir = import.meta.dirname;
const files = [
  ...readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'package.json' && f !== 'turbo.json'),
  ...readdirSync(join(dir, 'auth')).filter((f) => f.endsWith('.json')).map((f) => `auth/${f}`),
];

type Schema = Record<string, unknown>;

/** Every subschema holding `examples`, with its JSON pointer. */
function collectExamples(node: unknown, pointer: string, out: Array<{ pointer: string; examples: unknown[] }>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => collectExamples(item, `${pointer}/${i}`, out));
    return;
  }
  const schema = node as Schema;
  if (Array.isArray(schema.examples)) out.push({ pointer, examples: schema.examples });
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue;
    collectExamples(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  }
}

describe('schemas', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const loaded = files.map((file) => ({ file, schema: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Schema }));
  for (const { schema } of loaded) ajv.addSchema(schema);

  it('finds the manifest, project config and every scheme schema of the built-in schemes', () => {
    expect(files).toEqual(expect.arrayContaining(['connector.schema.json', 'connectors.config.schema.json', 'auth/oauth2.json', 'auth/superoffice.json']));
    expect(files.filter((f) => f.startsWith('auth/'))).toHaveLength(12);
  });

  for (const { file, schema } of loaded) {
    it(`${file} has a stable $id under https://connectors.dev/schemas/v1/ and compiles`, () => {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://connectors.dev/schemas/v1/${file}`);
      expect(ajv.getSchema(schema.$id as string)).toBeTypeOf('function');
    });

    const found: Array<{ pointer: string; examples: unknown[] }> = [];
    collectExamples(schema, '', found);
    for (const { pointer, examples } of found) {
      examples.forEach((example, i) => {
        it(`${file}#${pointer} examples[${i}] is valid`, () => {
          const validate = ajv.getSchema(`${schema.$id as string}#${pointer}`);
          expect(validate, `no schema at ${pointer}`).toBeTypeOf('function');
          const ok = validate!(structuredClone(example));
          expect(ok, JSON.stringify(validate!.errors)).toBe(true);
        });
      });
    }
  }

  it('gives page_size an example, so editor completion does not insert an invalid 0 (issue 9)', () => {
    const manifest = loaded.find((l) => l.file === 'connector.schema.json')!.schema as { $defs: Record<string, Schema> };
    expect(manifest.$defs.pageSize!.examples).toEqual([100]);
  });

  it('has a title or description on every property of the manifest schema', () => {
    const manifest = loaded.find((l) => l.file === 'connector.schema.json')!.schema;
    const missing: string[] = [];
    const visit = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
      // The config schema's own keys are JSON Schema keywords, documented by JSON Schema.
      if (pointer === '/$defs/configSchema/properties' || pointer === '/$defs/configProperty') return;
      // The generated scheme branches copy auth/*.json (see scheme-branches.test.ts).
      if (pointer === '/$defs/auth/allOf') return;
      const properties = (node as Schema).properties as Record<string, Schema> | undefined;
      for (const [key, sub] of Object.entries(properties ?? {})) {
        if (!['type', '$schema', 'title', 'description'].includes(key) && !sub.title && !sub.description && !sub.$ref) missing.push(`${pointer}/properties/${key}`);
      }
      for (const [key, value] of Object.entries(node as Schema)) if (key !== 'examples') visit(value, `${pointer}/${key}`);
    };
    visit(manifest, '');
    expect(missing).toEqual([]);
  });
});
