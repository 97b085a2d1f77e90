import type { SchemeRegistry } from '../auth/registry.js';
import { ManifestError } from '../errors.js';
import { extractSchemeOptions } from '../manifest/check-auth.js';
import type { Manifest } from '../manifest/types.js';
import { describeErrors } from '../schema/describe-errors.js';
import { formatPath } from '../schema/json-path.js';
import { getSchemeOptionsValidator } from '../schema/validators.js';
import { compileTemplateTree } from '../templates/tree.js';

/**
 * The scheme's `ctx.options`: the manifest's `auth` block without `scheme`, `refresh_before` and
 * `apply`, with the scheme schema's defaults applied and string values templated with `config`
 * only (DESIGN.md section 8). Throws a `ManifestError` for an unknown scheme or invalid options.
 */
export function resolveAuthOptions(manifest: Manifest, registry: SchemeRegistry, config: Record<string, unknown>): Record<string, unknown> {
  const registered = registry.get(manifest.auth.scheme);
  if (!registered) {
    throw new ManifestError(`Unknown auth scheme \`${manifest.auth.scheme}\` in ${manifest.name}; available: ${registry.names().join(', ')}.`);
  }
  const options = structuredClone(extractSchemeOptions(manifest.auth));
  const validate = getSchemeOptionsValidator(registered.scheme);
  if (!validate(options)) {
    const issue = describeErrors(validate.errors, options)[0];
    throw new ManifestError(`${manifest.name}: auth${issue?.segments.length ? `.${formatPath(issue.segments)}` : ''}: ${issue?.message ?? 'invalid options'}.`);
  }
  return compileTemplateTree(options, `${manifest.name} auth`).render({ config }) as Record<string, unknown>;
}
