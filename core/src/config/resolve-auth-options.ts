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
 * only (DESIGN.md section 8), except the scheme's `templatedOptions`, which it renders itself. Throws a `ManifestError` for an unknown scheme or invalid options.
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
  // The scheme renders its own `templatedOptions` when it sends a request; they stay as written.
  const late = registered.scheme.templatedOptions ?? {};
  const early: Record<string, unknown> = {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (Object.hasOwn(late, key)) kept[key] = value;
    else early[key] = value;
  }
  return { ...(compileTemplateTree(early, `${manifest.name} auth`).render({ config }) as Record<string, unknown>), ...kept };
}
