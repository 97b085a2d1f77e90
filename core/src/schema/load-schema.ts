import { createRequire } from 'node:module';
import type { JSONSchema } from '../plugin-api.js';

const require = createRequire(import.meta.url);

/** Reads one schema file of `@connectors/schemas`, e.g. `loadSchema('auth/oauth2.json')`. */
export function loadSchema(relativePath: string): JSONSchema {
  return require(`@connectors/schemas/${relativePath}`) as JSONSchema;
}
