/** The `auth` block against the scheme it names: the scheme exists, its options fit its schema. */
import type { SchemeRegistry, RegisteredScheme } from '../auth/registry.js';
import { describeErrors } from '../schema/describe-errors.js';
import { suggest } from '../schema/suggest.js';
import { getSchemeOptionsValidator } from '../schema/validators.js';
import { isReservedKey } from '../reserved-keys.js';
import type { Report } from './report.js';

/** The keys of the `auth` block that belong to the host, not to the scheme. */
export const HOST_AUTH_KEYS: readonly string[] = ['scheme', 'refresh_before', 'apply'];

/**
 * True when `key` of the `auth` block is the host's. `apply` is the host's as a boolean
 * (`apply: false`); an object `apply` is an option of the scheme (the login scheme's headers).
 */
export function isHostAuthKey(key: string, value: unknown): boolean {
  if (key === 'apply') return typeof value !== 'object' || value === null || Array.isArray(value);
  return HOST_AUTH_KEYS.includes(key);
}

/** The scheme's options: the `auth` block without the host keys. */
export function extractSchemeOptions(auth: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(auth)) {
    if (!isHostAuthKey(key, value)) options[key] = value;
  }
  return options;
}

/** Checks `auth.scheme` and the scheme's options; returns the scheme when it is known. */
export function checkAuth(manifest: Record<string, unknown>, registry: SchemeRegistry, report: Report): RegisteredScheme | undefined {
  const auth = manifest.auth;
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) return undefined;
  const name = (auth as Record<string, unknown>).scheme;
  if (typeof name !== 'string' || name === '') return undefined;
  const registered = registry.get(name);
  if (!registered) {
    const names = registry.names();
    const close = suggest(name, names);
    report(['auth', 'scheme'], `unknown auth scheme \`${name}\`; available: ${names.join(', ')}${close ? `; did you mean \`${close}\`?` : ''}`);
    return undefined;
  }
  const options = structuredClone(extractSchemeOptions(auth as Record<string, unknown>));
  const validate = getSchemeOptionsValidator(registered.scheme);
  if (!validate(options)) {
    const known = [...Object.keys((registered.scheme.options?.properties as object | undefined) ?? {}), ...HOST_AUTH_KEYS];
    for (const issue of describeErrors(validate.errors, options)) {
      // `__proto__`, `constructor`, `prototype`: reported once, by checkReservedKeys.
      if (issue.target === 'key' && isReservedKey(String(issue.segments[issue.segments.length - 1]))) continue;
      let message = issue.message;
      if (message.startsWith('missing required key')) {
        message = message.replace('missing required key', `auth scheme \`${name}\` requires the option`);
      } else if (message.startsWith('unknown key') && issue.target === 'key' && issue.segments.length === 1) {
        const key = String(issue.segments[issue.segments.length - 1]);
        const close = suggest(key, known);
        message = `unknown option \`${key}\` for auth scheme \`${name}\`; ${close ? `did you mean \`${close}\`?` : `allowed: ${known.join(', ')}`}`;
      }
      report(['auth', ...issue.segments], message, { target: issue.target });
    }
  }
  return registered;
}
