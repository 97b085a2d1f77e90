// The editor's per-scheme branches in connector.schema.json are generated from auth/*.json
// (issue 9): these tests fail when the two drift apart, and pin how the splice keeps hand edits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildSchemeBranch, withoutSchemeBranches } from './scheme-branches.js';
import { generateConnectorSchemaText, readBuiltInSchemes, spliceAuthBranches } from './scripts/generate-auth-branches.js';

const dir = import.meta.dirname;
const text = readFileSync(join(dir, 'connector.schema.json'), 'utf8');
const schema = JSON.parse(text) as { $defs: { auth: { allOf?: Array<{ if: unknown; then: Record<string, unknown> }> } } };

describe('auth scheme branches (issue 9)', () => {
  it('connector.schema.json holds exactly the branches auth/*.json generate (run `npm run build -w schemas`)', () => {
    expect(text).toBe(generateConnectorSchemaText(dir));
  });

  it('has one closed branch per auth/*.json, inlining its options and allowing the host keys', () => {
    const schemes = readBuiltInSchemes(dir);
    expect(schemes.map((s) => s.name)).toEqual(['api_key', 'aws_sigv4', 'basic', 'github_app', 'jwt', 'jwt_signed', 'login', 'none', 'oauth1', 'oauth2', 'superoffice', 'tripletex']);
    const branches = schema.$defs.auth.allOf ?? [];
    expect(branches).toHaveLength(schemes.length);
    schemes.forEach(({ name, options }, i) => {
      const { $schema: _s, $id: _i, ...rest } = options as Record<string, unknown>;
      expect(branches[i]!.if).toEqual({ properties: { scheme: { const: name } }, required: ['scheme'] });
      expect(branches[i]!.then).toEqual({
        ...rest,
        properties: { scheme: true, refresh_before: true, apply: true, ...(rest.properties as object) },
      });
      expect(branches[i]!.then.additionalProperties).toBe(false);
    });
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1]);
    expect(refs.filter((ref) => !ref!.startsWith('#/'))).toEqual([]);
  });

  it('flags the auth mistakes the editor missed, each in the branch of the scheme named', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(schema.$defs.auth);
    const failures = (auth: object) => (validate(auth) ? [] : validate.errors!.filter((e) => e.keyword !== 'if').map((e) => `${e.schemaPath} ${e.message}`));
    expect(failures({ scheme: 'oauth2', grant_type: 'client_credentials' })).toEqual(["#/allOf/9/then/else/required must have required property 'token_url'"]);
    expect(failures({ scheme: 'oauth2', token_ulr: 'x' }).join()).toMatch(/allOf\/9\/then\/additionalProperties/);
    expect(failures({ scheme: 'api_key', in: 'body' })).toEqual(['#/allOf/0/then/properties/in/enum must be equal to one of the allowed values']);
    expect(failures({ scheme: 'basic', token_url: 'x' })).toEqual(['#/allOf/2/then/additionalProperties must NOT have additional properties']);
    expect(failures({ scheme: 'oauth2', token_url: 'x', refresh_before: 30, apply: false })).toEqual([]);
    expect(failures({ scheme: 'my_plugin', anything: 1 })).toEqual([]);
  });

  it('splices only the branches: hand edits elsewhere stay byte for byte, a missing allOf is added', () => {
    const edited = text.replace('"title": "Authentication",', '"title": "Authentication (hand edit)",');
    const spliced = spliceAuthBranches(edited, [{ name: 'none', options: { type: 'object', additionalProperties: false } }]);
    expect(spliced).toContain('"title": "Authentication (hand edit)",');
    expect(spliced.slice(0, spliced.indexOf('"allOf"'))).toBe(edited.slice(0, edited.indexOf('"allOf"')));
    expect(JSON.parse(spliced).$defs.auth.allOf).toHaveLength(1);
    const bare = JSON.stringify(withoutSchemeBranches(JSON.parse(text)), null, 2);
    expect(JSON.parse(spliceAuthBranches(bare, readBuiltInSchemes(dir)))).toEqual(schema);
  });

  it('hoists a plugin schema\'s own $defs so its local refs still resolve', () => {
    const { branch, defs } = buildSchemeBranch('acme', {
      $id: 'https://acme.example/opts.json',
      type: 'object',
      properties: { region: { $ref: '#/$defs/region' } },
      $defs: { region: { enum: ['eu', 'us'] } },
    });
    expect(defs).toEqual({ 'scheme.acme.region': { enum: ['eu', 'us'] } });
    expect(branch.then).toEqual({ type: 'object', properties: { scheme: true, refresh_before: true, apply: true, region: { $ref: '#/$defs/scheme.acme.region' } } });
    expect(buildSchemeBranch('open', undefined).branch.then).toEqual({});
  });
});
