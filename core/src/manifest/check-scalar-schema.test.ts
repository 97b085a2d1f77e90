import { describe, expect, it } from 'vitest';
import { compileForeignSchema } from '../schema/ajv.js';
import { describeErrors } from '../schema/describe-errors.js';
import { checkScalarSchema } from './check-scalar-schema.js';

// The scalar check must agree with Ajv (which `run` uses on the config) on every case it decides.
const cases: Array<[Record<string, unknown>, unknown]> = [
  [{ type: 'string' }, 'x'],
  [{ type: 'string' }, 1],
  [{ type: 'integer' }, 5],
  [{ type: 'integer' }, 5.5],
  [{ type: 'integer' }, 'abc'],
  [{ type: 'number' }, 2.5],
  [{ type: 'boolean' }, 1],
  [{ type: ['string', 'null'] }, null],
  [{ type: ['string', 'null'] }, 3],
  [{ type: 'string', enum: ['a', 'b'] }, 'c'],
  [{ type: 'string', enum: ['a', 'b'] }, 'a'],
  [{ const: 'x' }, 'y'],
  [{ type: 'string', minLength: 3 }, 'ab'],
  [{ type: 'string', minLength: 1 }, ''],
  [{ type: 'string', maxLength: 2 }, 'abc'],
  [{ type: 'string', pattern: '^[a-z]+$' }, 'Abc'],
  [{ type: 'integer', minimum: 1 }, 0],
  [{ type: 'integer', maximum: 10 }, 11],
  [{ type: 'number', exclusiveMinimum: 0 }, 0],
  [{ type: 'number', exclusiveMaximum: 1 }, 1],
  [{ type: 'string', format: 'uri' }, 'https://api.example.com'],
  [{ type: 'string', format: 'uri' }, 'not a url'],
  [{ type: 'string', format: 'date-time' }, '2024-01-01T00:00:00Z'],
  [{ type: 'string', format: 'date-time' }, '2024-13-01'],
  [{ type: 'string', format: 'email', description: 'who', title: 'Email', examples: ['a@b.c'] }, 'nobody'],
];

describe('checkScalarSchema', () => {
  it.each(cases)('%j with %j agrees with Ajv, message and all', (schema, value) => {
    const ours = checkScalarSchema(schema, value);
    expect(ours).toBeDefined();
    const validate = compileForeignSchema(structuredClone(schema));
    const valid = validate(structuredClone(value));
    expect(ours!.length === 0).toBe(valid);
    if (!valid) expect(describeErrors(ours!, value)[0]?.message).toBe(describeErrors(validate.errors, value)[0]?.message);
  });

  it.each([
    [{ type: 'object', properties: {} }],
    [{ type: 'array', items: { type: 'string' } }],
    [{ type: 'string', format: 'made-up' }],
    [{ anyOf: [{ type: 'string' }] }],
    [{ type: 'string', $ref: '#/x' }],
  ])('leaves %j to Ajv', (schema) => {
    expect(checkScalarSchema(schema, 'x')).toBeUndefined();
  });
});
