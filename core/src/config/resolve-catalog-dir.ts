import { statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import type { ProjectConfig } from './project-config.js';

export interface ResolveCatalogDirOptions {
  /** `--catalog DIR`. */
  flag?: string;
  /** `CONNECTORS_CATALOG`. */
  env?: string;
  projectConfig?: ProjectConfig;
  /** The working directory. */
  cwd: string;
  /** The catalog shipped with the CLI (absolute). */
  shippedDir: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The catalog folder, by the precedence of DESIGN.md section 8: `--catalog`, `CONNECTORS_CATALOG`,
 * `catalog:` in the project config (relative to that file), `./connectors` when it exists, the
 * shipped catalog. The first that applies is the whole catalog. Paths the user wrote relative
 * stay relative to `cwd`, so problems name files as the user would.
 */
export function resolveCatalogDir(options: ResolveCatalogDirOptions): string {
  const { flag, env, projectConfig, cwd, shippedDir } = options;
  if (flag) return normalize(flag);
  if (env) return normalize(env);
  if (projectConfig?.catalog) {
    const absolute = resolve(projectConfig.dir, projectConfig.catalog);
    if (isAbsolute(projectConfig.catalog)) return absolute;
    const fromCwd = relative(cwd, absolute);
    return fromCwd === '' ? '.' : fromCwd.startsWith('..') ? absolute : fromCwd;
  }
  if (isDirectory(join(cwd, 'connectors'))) return cwd === process.cwd() ? 'connectors' : join(cwd, 'connectors');
  return shippedDir;
}
