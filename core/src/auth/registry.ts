import { PluginError } from '../errors.js';
import type { AuthScheme } from '../plugin-api.js';

/** A scheme with where it came from: `built-in`, or `<package>@<version>` for a plugin. */
export interface RegisteredScheme {
  scheme: AuthScheme;
  origin: string;
}

/** The schemes a process knows, by name. Built-in schemes first, then plugins. */
export class SchemeRegistry {
  private readonly schemes = new Map<string, RegisteredScheme>();

  /** Adds a scheme; a name taken twice is a {@link PluginError} naming both origins. */
  register(scheme: AuthScheme, origin = 'built-in'): void {
    const taken = this.schemes.get(scheme.name);
    if (taken) {
      throw new PluginError(
        `Auth scheme "${scheme.name}" from ${origin} is already provided by ${taken.origin}.`,
      );
    }
    this.schemes.set(scheme.name, { scheme, origin });
  }

  get(name: string): RegisteredScheme | undefined {
    return this.schemes.get(name);
  }

  has(name: string): boolean {
    return this.schemes.has(name);
  }

  /** Every scheme, in registration order. */
  list(): RegisteredScheme[] {
    return [...this.schemes.values()];
  }

  names(): string[] {
    return [...this.schemes.keys()];
  }
}
