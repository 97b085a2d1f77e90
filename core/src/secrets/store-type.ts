/**
 * A kind of secret store (DESIGN.md section 10, "Store plugins"): what `secret_store.type` in
 * connectors.config.yaml names. The built-in kinds are `file`, `postgres` and `command`; a plugin
 * package adds more by listing modules under `"secretStores"` in its package.json's `connectors`
 * field, each module's default export a {@link SecretStoreType} (or a list of them):
 *
 * ```js
 * // package.json: "connectors": {"apiVersion": 1, "secretStores": ["./dist/store.js"]}
 * export default {
 *   type: 'vault-kv',
 *   options: { type: 'object', properties: { mount: { type: 'string' } }, required: ['mount'] },
 *   create(options, ctx) {
 *     return new VaultKvStore({ mount: options.mount, token: ctx.env.VAULT_TOKEN, home: ctx.home });
 *   },
 * };
 * ```
 *
 * The store it creates implements {@link SecretStore}; `describeSecretStoreConformance` from
 * `@connectors/core/testing` checks that it does.
 */
import type { JSONSchema } from '../plugin-api.js';
import type { SecretStore } from './store.js';

/** What a store kind's `create` is given besides its options. */
export interface SecretStoreContext {
  /** CONNECTORS_HOME: where the file store, lock files and (for stores without their own) run states live. */
  home: string;
  /** The environment of the process (credentials of the store itself belong here, not in the config file). */
  env: NodeJS.ProcessEnv;
  /** The folder of connectors.config.yaml: relative paths in the options start there. */
  configDir: string;
  /** Tells the runtime a value that must never be printed (a database password, a vault token). */
  addSecret(value: string): void;
  /** Removes every known secret from a text before it is shown (for a store's error messages). */
  redact(text: string): string;
  /** Opens another store from its `secret_store`-shaped config (a store that keeps sessions elsewhere). */
  open(config: { type: string; [option: string]: unknown }): SecretStore;
}

/** One kind of secret store, the default export of a store plugin's module. */
export interface SecretStoreType {
  /** The name `secret_store.type` uses: lower-case letters, digits, `_` and `-`. */
  type: string;
  /**
   * JSON Schema of the other keys of `secret_store:` (everything but `type`), checked before
   * `create` is called; absent means any object.
   */
  options?: JSONSchema;
  /**
   * Makes the store. Called at most once per process, when a command first needs the store, with
   * `secret_store:`'s keys other than `type`. It should not connect yet (the first call may);
   * bad options are a `SecretStoreError` with one sentence.
   */
  create(options: Record<string, unknown>, ctx: SecretStoreContext): SecretStore;
}
