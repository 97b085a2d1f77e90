/** The project config file `connectors.config.yaml` (DESIGN.md section 7). */
import { stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { loadYamlFile } from '../manifest/load.js';
import { checkReservedKeys } from '../manifest/check-reserved-keys.js';
import { createManifestError } from '../manifest/manifest-error.js';
import { createReport } from '../manifest/report.js';
import type { Problem } from '../manifest/problem.js';
import { describeErrors } from '../schema/describe-errors.js';
import { getProjectConfigValidator } from '../schema/validators.js';
import type { OidcCallerConfig } from '../serve/oidc-callers.js';

/** The file name looked for in the working directory. */
export const PROJECT_CONFIG_FILE = 'connectors.config.yaml';

/** Where stored secrets live. */
export interface SecretStoreConfig {
  type: string;
  path?: string;
  [option: string]: unknown;
}

/** A loaded `connectors.config.yaml`. Relative paths in it are relative to {@link ProjectConfig.dir}. */
export interface ProjectConfig {
  /** The file it was read from (absolute). */
  file: string;
  /** The folder holding it (absolute): relative `catalog`, `plugins` and store paths start here. */
  dir: string;
  catalog?: string;
  plugins?: string[];
  secret_store?: SecretStoreConfig;
  /** Config values per connector name. */
  config?: Record<string, Record<string, unknown>>;
  /** Defaults of `connectors serve` (DESIGN.md section 9). */
  serve?: ServeConfig;
}

/** `serve:` in connectors.config.yaml; relative TLS paths are relative to the file. */
export interface ServeConfig {
  host?: string;
  port?: number;
  tls_cert?: string;
  tls_key?: string;
  /** Seconds; default 60. */
  upstream_timeout?: number;
  oidc_callers?: OidcCallerConfig[];
}

/**
 * Reads `connectors.config.yaml` from `cwd`; undefined when there is none. An invalid file is a
 * `ManifestError` whose message is the first problem (`file:line:col: path: message`).
 */
export async function loadProjectConfig(cwd: string): Promise<ProjectConfig | undefined> {
  const file = join(cwd, PROJECT_CONFIG_FILE);
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  const shown = relative(process.cwd(), file) || file;
  const loaded = await loadYamlFile(shown === file ? file : shown, 'project config');
  if (!loaded.ok) throw createManifestError(loaded.problems);
  const problems: Problem[] = [];
  const report = createReport(loaded.yaml, problems);
  const validate = getProjectConfigValidator();
  if (!validate(loaded.yaml.value)) {
    for (const issue of describeErrors(validate.errors, loaded.yaml.value)) report(issue.segments, issue.message, { target: issue.target });
  }
  checkReservedKeys(loaded.yaml.value, report);
  if (problems.length > 0) throw createManifestError(problems);
  return { ...(loaded.yaml.value as Omit<ProjectConfig, 'file' | 'dir'>), file, dir: dirname(file) };
}
