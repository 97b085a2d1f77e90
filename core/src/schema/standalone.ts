/**
 * Ajv's standalone code for our own schemas (the manifest and the project config): the build
 * compiles them once into CommonJS modules under `dist/schema/precompiled/`, so no command pays
 * for compiling the manifest schema at start-up. The options are exactly those of {@link getAjv}.
 */
import { Ajv2020, _ } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { addFormats, AJV_OPTIONS } from './ajv.js';
import type { JSONSchema } from '../plugin-api.js';

type StandaloneCode = (ajv: Ajv2020, refsOrFunc?: unknown) => string;
const standaloneCode: StandaloneCode =
  (standaloneModule as unknown as { default?: StandaloneCode }).default ?? (standaloneModule as unknown as StandaloneCode);

export { PRECOMPILED_SCHEMAS } from './precompiled-schemas.js';

/** CommonJS source of a module whose export is the validate function of `schema`. */
export function buildStandaloneValidator(schema: JSONSchema): string {
  const ajv = new Ajv2020({
    ...AJV_OPTIONS,
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  return standaloneCode(ajv, ajv.compile(schema));
}
