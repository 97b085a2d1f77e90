/**
 * `@connectors/core`: the connector runtime. Everything public is exported from here.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './plugin-api.js';
export { SchemeRegistry, type RegisteredScheme } from './auth/registry.js';
export { builtInSchemes, createBuiltInRegistry } from './auth/schemes/index.js';
export { createHttpClient } from './http/http-client.js';
