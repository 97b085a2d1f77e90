import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { ConnectorsError } from '../errors.js';
import type { AuthScheme, JSONSchema } from '../plugin-api.js';
import { addFormats } from './ajv.js';
import { buildConnectorSchema, writeConnectorSchema } from './connector-schema.js';
import { loadSchema } from './load-schema.js';

/** A plugin scheme whose options use a local `$ref`, as a plugin author may write them. */
const widget: AuthScheme = {
  name: 'widget_token',
  apiVersion: 1,
  options: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://plugins.example/widget.json',
    type: 'object',
    properties: {
      region: { $ref: '#/$defs/region' },
      token_ttl: { type: 'integer', minimum: 1 },
    },
    required: ['region'],
    additionalProperties: false,
    $defs: { region: { enum: ['eu', 'us'] } },
  },
  requiredSecrets: [],
  injectedSecrets: [],
  authenticate: async () => ({ secrets: {} }),
  apply() {},
};

function registryWithWidget() {
  const registry = createBuiltInRegistry();
  registry.register(widget, 'connectors-plugin-widget@2.0.0');
  return registry;
}

type Auth = { properties: Record<string, JSONSchema>; allOf: Array<{ if: JSONSchema; then: JSONSchema }> };
const authOf = (schema: JSONSchema) => (schema.$defs as Record<string, Auth>).auth;
const branchOf = (schema: JSONSchema, name: string) =>
  authOf(schema).allOf.find((branch) => JSON.stringify(branch.if).includes(`"const":"${name}"`));

const manifest = (auth: Record<string, unknown>) => ({
  apiVersion: 'connectors/v1',
  name: 'widgets',
  base_url: 'https://api.example',
  auth,
  streams: [{ name: 'items', path: '/items' }],
});

const scratch = mkdtempSync(join(tmpdir(), 'connectors-schema-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('buildConnectorSchema', () => {
  it('adds one closed branch per plugin scheme, its $defs hoisted, and keeps the built-in branches as published', () => {
    const published = loadSchema('connector.schema.json');
    const schema = buildConnectorSchema(registryWithWidget());
    const builtIn = authOf(published).allOf;
    expect(authOf(schema).allOf.slice(0, builtIn.length)).toEqual(builtIn);
    expect(authOf(schema).allOf).toHaveLength(builtIn.length + 1);

    expect(branchOf(schema, 'widget_token')).toEqual({
      if: { properties: { scheme: { const: 'widget_token' } }, required: ['scheme'] },
      then: {
        type: 'object',
        properties: {
          scheme: true,
          refresh_before: true,
          apply: true,
          region: { $ref: '#/$defs/scheme.widget_token.region' },
          token_ttl: { type: 'integer', minimum: 1 },
        },
        required: ['region'],
        additionalProperties: false,
      },
    });
    expect((schema.$defs as Record<string, unknown>)['scheme.widget_token.region']).toEqual({ enum: ['eu', 'us'] });
    // Every other part of the published schema is as it was.
    const { $id, $comment, $defs, ...rest } = schema;
    const { $id: publishedId, $defs: publishedDefs, ...publishedRest } = published;
    expect(rest).toEqual(publishedRest);
    expect($id).toBeUndefined();
    expect(publishedId).toMatch(/^https:/);
    expect($comment).toMatch(/widget_token \(connectors-plugin-widget@2\.0\.0\)/);
    const { auth: _auth, ...otherDefs } = $defs as Record<string, unknown>;
    const { auth: _publishedAuth, ...otherPublishedDefs } = publishedDefs as Record<string, unknown>;
    expect(otherDefs).toEqual({ ...otherPublishedDefs, 'scheme.widget_token.region': { enum: ['eu', 'us'] } });
  });

  it('does not change the published schema object it starts from', () => {
    const before = structuredClone(loadSchema('connector.schema.json'));
    buildConnectorSchema(registryWithWidget());
    expect(loadSchema('connector.schema.json')).toEqual(before);
  });

  it('validates with Ajv: a plugin option typo, a bad value and an unknown scheme are rejected, correct options pass', () => {
    const validate = addFormats(new Ajv2020({ strict: false, allErrors: true })).compile(buildConnectorSchema(registryWithWidget()));
    expect(validate(manifest({ scheme: 'widget_token', region: 'eu', token_ttl: 60, refresh_before: 30 })), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(manifest({ scheme: 'widget_token', region: 'eu', token_tll: 60 }))).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'token_tll' } }));
    expect(validate(manifest({ scheme: 'widget_token', region: 'mars' }))).toBe(false);
    expect(validate(manifest({ scheme: 'widget_tokn', region: 'eu' }))).toBe(false);
    // The built-in branches still apply.
    expect(validate(manifest({ scheme: 'api_key', in: 'header', name: 'X-Key' }))).toBe(true);
    expect(validate(manifest({ scheme: 'api_key', in: 'body' }))).toBe(false);
  });

  it('without plugins is the published schema without its $id, scheme names listed', () => {
    const schema = buildConnectorSchema(createBuiltInRegistry());
    expect(authOf(schema).allOf).toEqual(authOf(loadSchema('connector.schema.json')).allOf);
    expect(authOf(schema).properties.scheme!.enum).toEqual(createBuiltInRegistry().names());
  });

  it('gives a plugin scheme without an options schema an open branch', () => {
    const registry = createBuiltInRegistry();
    registry.register({ ...widget, name: 'open_scheme', options: undefined }, 'p@1.0.0');
    expect(branchOf(buildConnectorSchema(registry), 'open_scheme')?.then).toEqual({});
  });
});

describe('writeConnectorSchema', () => {
  it('writes the schema as JSON and leaves no temp file', async () => {
    const dir = join(scratch, 'ok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'connector.schema.json'), 'old');
    await writeConnectorSchema(registryWithWidget(), join(dir, 'connector.schema.json'));
    expect(JSON.parse(readFileSync(join(dir, 'connector.schema.json'), 'utf8'))).toEqual(buildConnectorSchema(registryWithWidget()));
    expect(readdirSync(dir)).toEqual(['connector.schema.json']);
  });

  it.each([
    ['a folder that does not exist', 'missing/connector.schema.json', /^Cannot write the schema to \S+: \S+missing does not exist\.$/],
    ['a folder', 'ok', /^Cannot write the schema to \S+ok: it is a folder; name a file\.$/],
    ['a file as the folder', 'file/connector.schema.json', /^Cannot write the schema to \S+: \S+file is a file, not a folder\.$/],
  ])('refuses %s with one sentence', async (_what, relative, message) => {
    mkdirSync(join(scratch, 'ok'), { recursive: true });
    writeFileSync(join(scratch, 'file'), '');
    const error = await writeConnectorSchema(registryWithWidget(), join(scratch, relative)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorsError);
    expect((error as Error).message).toMatch(message);
  });
});
