import type { SchemeRegistry } from '../auth/registry.js';
import { secretEnvPattern } from '../secrets/env-name.js';

/** One scheme as `connectors schemes --json` prints it (DESIGN.md section 8 "Other --json shapes"). */
export interface SchemeDescription {
  name: string;
  description?: string;
  origin: string;
  requiredSecrets: { name: string; env: string; optional: boolean; aliases?: string[] }[];
  injectedSecrets: { name: string }[];
}

/** Describes every registered scheme; `env` uses the placeholder `<CONNECTOR>`. */
export function describeSchemes(registry: SchemeRegistry): SchemeDescription[] {
  return registry.list().map(({ scheme, origin }) => {
    const description: SchemeDescription = {
      name: scheme.name,
      origin,
      requiredSecrets: scheme.requiredSecrets.map((spec) => ({
        name: spec.name,
        env: secretEnvPattern(spec.name),
        optional: spec.optional === true,
        ...(spec.aliases?.length ? { aliases: spec.aliases } : {}),
      })),
      injectedSecrets: scheme.injectedSecrets.map((spec) => ({ name: spec.name })),
    };
    if (scheme.description) description.description = scheme.description;
    return description;
  });
}
