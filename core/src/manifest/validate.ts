/** Validating one manifest: schema, auth scheme and options, names, templates, and what a run would refuse (keys, dot paths, header names, config defaults, URLs). */
import type { SchemeRegistry } from '../auth/registry.js';
import { describeErrors } from '../schema/describe-errors.js';
import { getManifestValidator } from '../schema/validators.js';
import { checkAuth } from './check-auth.js';
import { checkConfigDefaults } from './check-config-defaults.js';
import { checkHeaders } from './check-headers.js';
import { checkParent } from './check-parent.js';
import { checkPartition } from './check-partition.js';
import { checkPaths } from './check-paths.js';
import { checkReservedKeys } from './check-reserved-keys.js';
import { checkTemplates } from './check-templates.js';
import { checkUrls } from './check-urls.js';
import { loadYamlFile, type YamlFile } from './load.js';
import { sortProblems, type Problem } from './problem.js';
import { applyStreamDefaults } from './stream-defaults.js';
import { createReport, type Report } from './report.js';
import type { Manifest } from './types.js';

export interface ValidateManifestOptions {
  /** The schemes manifests may name: built-in plus plugins. */
  registry: SchemeRegistry;
  /** Inside a catalog: the folder name, which `name` must equal. */
  catalogName?: string;
}

/** A manifest (when it is valid) and every problem found. */
export interface ManifestValidation {
  manifest?: Manifest;
  problems: Problem[];
}

/** Reads and validates one manifest file. Problems name `file` as given. */
export async function validateManifestFile(file: string, options: ValidateManifestOptions): Promise<ManifestValidation> {
  const loaded = await loadYamlFile(file);
  if (!loaded.ok) return { problems: loaded.problems };
  return validateManifestYaml(loaded.yaml, options);
}

/** Validates a parsed manifest; the schema's defaults are applied to `yaml.value`. */
export function validateManifestYaml(yaml: YamlFile, options: ValidateManifestOptions): ManifestValidation {
  const problems: Problem[] = [];
  const value = yaml.value;
  const report = applyStreamDefaults(value, createReport(yaml, problems));
  const validate = getManifestValidator();
  if (!validate(value)) {
    for (const issue of describeErrors(validate.errors, value)) report(issue.segments, issue.message, { target: issue.target });
  }
  const scheme = checkAuth(value, options.registry, report);
  checkNames(value, options.catalogName, report);
  checkTemplates(value, scheme, report);
  checkReservedKeys(value, report);
  checkPaths(value, report);
  checkHeaders(value, report);
  checkConfigDefaults(value, report);
  checkUrls(value, report);
  checkPartition(value, report);
  checkParent(value, report);
  if (problems.length > 0) return { problems: sortProblems(problems) };
  return { manifest: value as unknown as Manifest, problems };
}

function checkNames(value: Record<string, unknown>, catalogName: string | undefined, report: Report): void {
  if (catalogName !== undefined && typeof value.name === 'string' && value.name !== catalogName) {
    report(['name'], `\`${value.name}\` must equal its folder name \`${catalogName}\` in a catalog`);
  }
  if (!Array.isArray(value.streams)) return;
  const seen = new Map<string, number>();
  value.streams.forEach((stream: unknown, index) => {
    const name = stream !== null && typeof stream === 'object' ? (stream as Record<string, unknown>).name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) report(['streams', index, 'name'], `stream name \`${name}\` is already used by streams[${first}]`);
    else seen.set(name, index);
  });
}
