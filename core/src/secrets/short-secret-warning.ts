/**
 * Secrets too short to be redacted (DESIGN.md section 8 "Redaction"): a value under
 * {@link MIN_REDACTED_LENGTH} characters would match everywhere, so it is never replaced by `***`.
 * The user is warned once, on `secrets set` and when such a value comes from the environment, in
 * one line that never holds the value.
 */
import { MIN_REDACTED_LENGTH } from '../http/redact.js';
import type { Logger } from '../plugin-api.js';
import { secretEnvName } from './env-name.js';
import type { ResolvedSecrets } from './resolve.js';

/** What was warned about in this process, so each warning is given once. */
const warned = new Set<string>();

/** True for a value that is set but shorter than {@link MIN_REDACTED_LENGTH} characters. */
export function isTooShortToRedact(value: string): boolean {
  return value.length > 0 && value.length < MIN_REDACTED_LENGTH;
}

function warnOnce(log: Pick<Logger, 'warn'>, key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  log.warn(message);
}

/** `secrets set` of a value too short to be redacted: one warning line, without the value. */
export function warnIfStoredSecretTooShort(
  log: Pick<Logger, 'warn'>,
  secret: { connector: string; connection: string; name: string; value: string },
): void {
  if (!isTooShortToRedact(secret.value)) return;
  warnOnce(
    log,
    `store:${secret.connector}/${secret.connection}/${secret.name}`,
    `The value of ${secret.name} is shorter than ${MIN_REDACTED_LENGTH} characters, too short to be redacted: it can show in output and logs.`,
  );
}

/** Every resolved secret that came from the environment too short to be redacted: one warning each. */
export function warnAboutShortEnvironmentSecrets(log: Pick<Logger, 'warn'>, connector: string, resolved: ResolvedSecrets): void {
  for (const [name, source] of Object.entries(resolved.sources)) {
    const value = resolved.secrets[name];
    if (source !== 'env' || value === undefined || !isTooShortToRedact(value)) continue;
    warnOnce(
      log,
      `env:${secretEnvName(connector, name)}`,
      `The secret ${name} of ${connector}, from the environment, is shorter than ${MIN_REDACTED_LENGTH} characters, too short to be redacted: it can show in output and logs.`,
    );
  }
}
