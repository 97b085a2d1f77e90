/**
 * The folder `connectors plugins install` installs into: `<CONNECTORS_HOME>/plugins`, an npm
 * prefix whose package.json `dependencies` is the record of installed plugins (name -> spec).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PluginError } from '../errors.js';
import { makeDirectory } from '../make-directory.js';

/** `<home>/plugins`, absolute (npm runs inside it, so a relative CONNECTORS_HOME must not nest). */
export function pluginsFolder(home: string): string {
  return resolve(home, 'plugins');
}

/** The package.json of the plugins folder, as far as this runtime reads it. */
export interface PluginsRecord {
  name?: string;
  private?: boolean;
  description?: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** Reads `<folder>/package.json`; an absent file is an empty record. */
export async function readPluginsRecord(folder: string): Promise<PluginsRecord> {
  let text: string;
  try {
    text = await readFile(join(folder, 'package.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as PluginsRecord;
  } catch {
    throw new PluginError(`The record of installed plugins ${join(folder, 'package.json')} is not valid JSON.`, {
      hint: 'Fix or delete it, then install the plugins again.',
    });
  }
}

/** The names of the installed plugin packages, in the record's order. */
export async function readInstalledPluginNames(folder: string): Promise<string[]> {
  return Object.keys((await readPluginsRecord(folder)).dependencies ?? {});
}

/** Creates the folder and its package.json when missing, so npm installs into it and nowhere above. */
export async function ensurePluginsFolder(folder: string): Promise<void> {
  await makeDirectory(folder);
  const record = await readPluginsRecord(folder);
  if (record.name !== undefined) return;
  const initial: PluginsRecord = {
    name: 'connectors-plugins',
    private: true,
    description: 'Auth-scheme plugins installed by `connectors plugins install`.',
    dependencies: {},
    ...record,
  };
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(initial, null, 2)}\n`);
}
