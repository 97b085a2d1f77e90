import { createRequire } from 'node:module';
import { withoutSchemeBranches } from '@connectors/schemas';
import type { JSONSchema } from '../plugin-api.js';

const require = createRequire(import.meta.url);

/** Reads one schema file of `@connectors/schemas`, e.g. `loadSchema('auth/oauth2.json')`. */
export function loadSchema(relativePath: string): JSONSchema {
  return require(`@connectors/schemas/${relativePath}`) as JSONSchema;
}

/**
 * One of our schema files as core validates it. The manifest schema's per-scheme `auth` branches
 * are for editors: core checks a scheme's options itself, against the registered scheme (plugins
 * included), with messages that name the scheme (`manifest/check-auth.ts`). Validating the
 * branches too would report each auth mistake twice and apply scheme defaults to the manifest.
 */
export function loadValidationSchema(relativePath: string): JSONSchema {
  const schema = loadSchema(relativePath);
  return relativePath === 'connector.schema.json' ? (withoutSchemeBranches(schema) as JSONSchema) : schema;
}
