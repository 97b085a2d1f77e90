/** What the user typed after `connectors plugins install`, sorted into a path or an npm spec. */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** A parsed install spec: `npmSpec` is what npm is given; `name` when it can be told up front. */
export type PluginSpec =
  | { kind: 'path'; path: string; npmSpec: string }
  | { kind: 'registry'; name?: string; npmSpec: string };

const REGISTRY_NAME = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:@.*)?$/i;

/**
 * A local path (`./x`, `../x`, `/x`, `~/x`, `file:x`, or a `.tgz`) resolves against `cwd` to an
 * absolute path; anything else is passed to npm as is (`name`, `name@1.2`, `@scope/name@^2`).
 */
export function parsePluginSpec(spec: string, cwd: string): PluginSpec {
  const trimmed = spec.trim();
  const local = trimmed.startsWith('file:') ? trimmed.slice('file:'.length) : trimmed;
  const isPath =
    trimmed.startsWith('file:') ||
    local.startsWith('.') ||
    local.startsWith('~/') ||
    isAbsolute(local) ||
    /\.(tgz|tar\.gz)$/.test(local);
  if (isPath) {
    const expanded = local.startsWith('~/') ? resolve(homedir(), local.slice(2)) : local;
    const path = resolve(cwd, expanded);
    return { kind: 'path', path, npmSpec: path };
  }
  const match = REGISTRY_NAME.exec(trimmed);
  return match ? { kind: 'registry', name: match[1], npmSpec: trimmed } : { kind: 'registry', npmSpec: trimmed };
}
