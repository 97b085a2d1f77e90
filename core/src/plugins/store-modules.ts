/**
 * The `"secretStores"` modules of a plugin package (DESIGN.md section 10, "Store plugins"):
 * imported and each default export checked against the {@link SecretStoreType} contract.
 */
import { PluginError } from '../errors.js';
import type { SecretStoreType } from '../secrets/store-type.js';
import { importPluginModule } from './import-plugin-module.js';

const STORE_TYPE_NAME = /^[a-z][a-z0-9_-]*$/;

/** Checks one exported value against the SecretStoreType contract; the first broken rule is the error. */
export function checkSecretStoreType(value: unknown, where: string): SecretStoreType {
  const storeType = value as Partial<SecretStoreType> | undefined;
  if (!storeType || typeof storeType !== 'object') throw new PluginError(`${where} does not export a secret store type object.`);
  if (typeof storeType.type !== 'string' || !STORE_TYPE_NAME.test(storeType.type)) {
    throw new PluginError(`${where} exports a secret store without a valid type (lower-case letters, digits, "_" and "-").`);
  }
  const named = `${where} secret store "${storeType.type}"`;
  if (typeof storeType.create !== 'function') throw new PluginError(`${named} has no create() function.`);
  if (storeType.options !== undefined && (typeof storeType.options !== 'object' || storeType.options === null)) {
    throw new PluginError(`${named} has options that are not a JSON Schema object.`);
  }
  return storeType as SecretStoreType;
}

/** Imports one `secretStores` module: its default export is a store type or a list of them. */
export async function importStoreTypes(modulePath: string, where: string): Promise<SecretStoreType[]> {
  const list = await importPluginModule(modulePath, where, { one: 'a secret store type', many: 'secret store types' });
  return list.map((value) => checkSecretStoreType(value, where));
}
