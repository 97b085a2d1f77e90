import { pathToFileURL } from 'node:url';
import { PluginError } from '../errors.js';

/**
 * Imports one module a plugin package lists and returns its default export as a list (a single
 * export becomes a list of one). A module that fails to load, has no default export or exports
 * an empty list is a {@link PluginError} naming `where`; `what` names what it should export.
 */
export async function importPluginModule(modulePath: string, where: string, what: { one: string; many: string }): Promise<unknown[]> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(modulePath).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PluginError(`${where} failed to load: ${reason}`);
  }
  const exported = module.default;
  if (exported === undefined) throw new PluginError(`${where} has no default export; it must export ${what.one} or a list of ${what.many}.`);
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0) throw new PluginError(`${where} exports an empty list of ${what.many}.`);
  return list;
}
