/**
 * The schema files of `@connectors/schemas` that the build compiles into Ajv standalone modules
 * (`dist/schema/precompiled/<file>.cjs`, see `standalone.ts`): the manifest, the project config,
 * and each built-in scheme's options. A command that validates manifests then neither compiles a
 * schema nor loads Ajv's compiler at start-up.
 */
export const PRECOMPILED_SCHEMAS: readonly string[] = [
  'connector.schema.json',
  'connectors.config.schema.json',
  'auth/api_key.json',
  'auth/aws_sigv4.json',
  'auth/basic.json',
  'auth/github_app.json',
  'auth/jwt.json',
  'auth/jwt_signed.json',
  'auth/login.json',
  'auth/none.json',
  'auth/oauth1.json',
  'auth/oauth2.json',
  'auth/superoffice.json',
  'auth/tripletex.json',
];
