/**
 * The project-local connector schema that `connectors schema` writes: the published manifest
 * schema with one more `if {scheme: const X} then {...}` branch per scheme the project's registry
 * knows beyond the built-in ones (its plugins), so an editor checks and completes their options.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AUTH_BRANCHES_PATH, buildSchemeBranch } from '@connectors/schemas';
import type { SchemeRegistry } from '../auth/registry.js';
import { ConnectorsError } from '../errors.js';
import type { JSONSchema } from '../plugin-api.js';
import { hasCode, writeFileAtomic } from '../secrets/atomic-file.js';
import { loadSchema } from './load-schema.js';

/** The file `connectors schema` writes by default, in the current folder. */
export const LOCAL_CONNECTOR_SCHEMA_FILE = 'connector.schema.json';

interface SchemeBranch {
  if?: { properties?: { scheme?: { const?: unknown } } };
}

interface AuthDefinition {
  properties: Record<string, JSONSchema>;
  allOf: JSONSchema[];
}

/** The `auth` definition of a connector schema, which holds the branches (`$defs.auth.allOf`). */
function authDefinition(schema: JSONSchema): AuthDefinition {
  let node: unknown = schema;
  for (const key of AUTH_BRANCHES_PATH.slice(0, -1)) node = (node as Record<string, unknown>)[key];
  return node as AuthDefinition;
}

/**
 * The connector schema for a project whose schemes are `registry`'s: the published schema's
 * built-in branches unchanged, then one branch per other registered scheme (a plugin's), built
 * from its options schema exactly as the build makes the built-in ones (its `$defs` hoisted to
 * the root as `scheme.<name>.<def>`). `auth.scheme` lists the registered names, so an unknown
 * scheme is flagged too. The published `$id` is dropped: an editor must not mistake this file
 * for the published schema (or resolve it over the network); `$comment` says where it came from.
 */
export function buildConnectorSchema(registry: SchemeRegistry): JSONSchema {
  const schema = structuredClone(loadSchema('connector.schema.json'));
  delete schema.$id;
  const auth = authDefinition(schema);
  const covered = new Set(auth.allOf.map((branch) => (branch as SchemeBranch).if?.properties?.scheme?.const));
  const defs = schema.$defs as Record<string, unknown>;
  const plugins: string[] = [];
  for (const { scheme, origin } of registry.list()) {
    if (covered.has(scheme.name)) continue;
    const built = buildSchemeBranch(scheme.name, scheme.options);
    auth.allOf.push(built.branch);
    Object.assign(defs, built.defs);
    plugins.push(`${scheme.name} (${origin})`);
  }
  const names = registry.names();
  auth.properties.scheme = { ...auth.properties.scheme, enum: names, examples: names };
  schema.$comment =
    'Written by `connectors schema` for this project: the built-in auth schemes' +
    (plugins.length ? ` and those of its plugins: ${plugins.join(', ')}` : '') +
    '. Run it again after installing or removing a plugin.';
  return schema;
}

/**
 * Writes {@link buildConnectorSchema}'s schema to `path` as indented JSON, atomically (a temp
 * file renamed over it, so an editor never reads half a file). A folder that does not exist, or
 * a `path` that is a folder, is a {@link ConnectorsError} of one sentence.
 */
export async function writeConnectorSchema(registry: SchemeRegistry, path: string): Promise<void> {
  const target = resolve(path);
  await checkWritableTarget(target);
  await writeFileAtomic(target, `${JSON.stringify(buildConnectorSchema(registry), null, 2)}\n`, 0o644);
}

async function checkWritableTarget(target: string): Promise<void> {
  const folder = dirname(target);
  const folderStat = await statOrUndefined(folder);
  if (!folderStat?.isDirectory()) {
    const why = folderStat ? 'is a file, not a folder' : 'does not exist';
    throw new ConnectorsError(`Cannot write the schema to ${target}: ${folder} ${why}.`, { code: 'ERR_OUTPUT' });
  }
  const targetStat = await statOrUndefined(target);
  if (targetStat?.isDirectory()) {
    throw new ConnectorsError(`Cannot write the schema to ${target}: it is a folder; name a file.`, { code: 'ERR_OUTPUT' });
  }
}

/** `stat(path)`, or undefined when nothing is there (a part of the path missing or a file). */
async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return undefined;
    throw error;
  }
}
