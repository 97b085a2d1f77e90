/**
 * Test helpers for authors of stores and plugins (`@connectors/core/testing`); they need vitest.
 * @packageDocumentation
 */
export { describeSecretStoreConformance, type StoreUnderTest } from './secret-store-conformance.js';
export { startPostgresCluster, findPostgresBin, type PostgresCluster } from './postgres-cluster.js';
export { createTestPki, type TestPki, type TestKeyPair } from './test-pki.js';
