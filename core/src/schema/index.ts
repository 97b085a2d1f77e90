/** Schema validation: the shared Ajv, compiled validators, and Ajv errors turned into messages. */
export { getAjv, compileForeignSchema, compileOwnSchema } from './ajv.js';
export {
  MANIFEST_SCHEMA_ID,
  PROJECT_CONFIG_SCHEMA_ID,
  getManifestSchema,
  getManifestValidator,
  getProjectConfigValidator,
  getSchemeOptionsValidator,
} from './validators.js';
export { describeErrors, describeValue, type SchemaIssue } from './describe-errors.js';
export { formatPath, parseInstancePath, type PathSegment } from './json-path.js';
export { suggest } from './suggest.js';
export { loadSchema, loadValidationSchema } from './load-schema.js';
export { buildConnectorSchema, writeConnectorSchema, LOCAL_CONNECTOR_SCHEMA_FILE } from './connector-schema.js';
