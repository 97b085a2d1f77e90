import { PluginError } from '../errors.js';
import type { SecretStoreType } from './store-type.js';

/** A store kind with where it came from: `built-in`, or `<package>@<version>` for a plugin. */
export interface RegisteredStoreType {
  storeType: SecretStoreType;
  origin: string;
}

/** The built-in store kinds; a plugin cannot take their names. */
export const BUILT_IN_STORE_TYPES = ['file', 'postgres', 'command'] as const;

/**
 * The secret store kinds plugins add, by `type` (the built-in kinds are not held here, so that
 * commands that never open a store do not load them).
 */
export class SecretStoreTypeRegistry {
  private readonly types = new Map<string, RegisteredStoreType>();

  /** Adds a store kind; a built-in type, or a type taken twice, is a {@link PluginError} naming the origins. */
  register(storeType: SecretStoreType, origin: string): void {
    if ((BUILT_IN_STORE_TYPES as readonly string[]).includes(storeType.type)) {
      throw new PluginError(`Secret store type "${storeType.type}" from ${origin} is built in; a plugin's store needs another type name.`);
    }
    const taken = this.types.get(storeType.type);
    if (taken) {
      throw new PluginError(`Secret store type "${storeType.type}" from ${origin} is already provided by ${taken.origin}.`);
    }
    this.types.set(storeType.type, { storeType, origin });
  }

  get(type: string): RegisteredStoreType | undefined {
    return this.types.get(type);
  }

  /** The types, in registration order. */
  names(): string[] {
    return [...this.types.keys()];
  }
}
