// Build step: writes Ajv standalone validators of our own schemas to dist/schema/precompiled/,
// so commands do not compile the manifest schema at start-up (see src/schema/standalone.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadValidationSchema } from '../dist/schema/load-schema.js';
import { buildStandaloneValidator, PRECOMPILED_SCHEMAS } from '../dist/schema/standalone.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'schema', 'precompiled');
mkdirSync(target, { recursive: true });
for (const file of PRECOMPILED_SCHEMAS) {
  const path = join(target, `${file}.cjs`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buildStandaloneValidator(loadValidationSchema(file)));
}
