/**
 * The secrets one connection needs: its scheme's `requiredSecretsFor(options)` when the scheme
 * has it, else the scheme's `requiredSecrets`. What `run`, `check`, `secrets list` and the
 * renewal of `serve` resolve, so a secret the options do not use is neither asked for nor listed.
 */
import { extractSchemeOptions } from '../manifest/check-auth.js';
import type { Manifest } from '../manifest/types.js';
import type { AuthScheme } from '../plugin-api.js';

/** `scheme` with `requiredSecrets` narrowed to what `manifest`'s auth options need. */
export function connectionSecretSpecs(
  scheme: AuthScheme,
  manifest: Pick<Manifest, 'auth'>,
): Pick<AuthScheme, 'requiredSecrets' | 'injectedSecrets'> {
  const requiredSecrets = scheme.requiredSecretsFor
    ? scheme.requiredSecretsFor(extractSchemeOptions(manifest.auth))
    : scheme.requiredSecrets;
  return { requiredSecrets, injectedSecrets: scheme.injectedSecrets };
}
