/**
 * The `config` values templates read: the connection's config, plus `null` for every property the
 * config schema declares and nobody set. A header or query parameter that reads such a `null`
 * is left out (see `CompiledTemplate.renderOptional`); any other field still reports it missing.
 */
import type { Manifest } from '../manifest/types.js';

/** `config` for templates: declared-but-unset properties hold `null`. */
export function templateConfig(manifest: Manifest, config: Record<string, unknown>): Record<string, unknown> {
  const declared = manifest.config?.properties;
  const out: Record<string, unknown> = {};
  if (declared !== null && typeof declared === 'object') {
    for (const key of Object.keys(declared)) Object.defineProperty(out, key, { value: null, enumerable: true, writable: true, configurable: true });
  }
  for (const [key, value] of Object.entries(config)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
