import { describe, expect, it } from 'vitest';
import type { ResolvedSecrets } from './resolve.js';
import { isTooShortToRedact, warnAboutShortEnvironmentSecrets, warnIfStoredSecretTooShort } from './short-secret-warning.js';

function collectingLog(): { warn(message: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message) };
}

// Issue 9: values shorter than 4 characters are never redacted; the user is warned once.
describe('short secret warnings', () => {
  it('calls values of 1 to 3 characters too short to be redacted', () => {
    expect(['a', 'ab', 'abc'].map(isTooShortToRedact)).toEqual([true, true, true]);
    expect(['', 'abcd'].map(isTooShortToRedact)).toEqual([false, false]);
  });

  it('warns once for a stored value, in a line that names the secret and not the value', () => {
    const log = collectingLog();
    const secret = { connector: 'warn_store', connection: 'default', name: 'api_key', value: 'Q9z' };
    warnIfStoredSecretTooShort(log, secret);
    warnIfStoredSecretTooShort(log, secret);
    warnIfStoredSecretTooShort(log, { ...secret, name: 'long_enough', value: 'Q9zX' });
    expect(log.lines).toEqual(['The value of api_key is shorter than 4 characters, too short to be redacted: it can show in output and logs.']);
  });

  it('warns once per short value from the environment, and not for stored ones', () => {
    const log = collectingLog();
    const resolved: ResolvedSecrets = {
      secrets: { client_id: 'Q9', client_secret: 'Zr1', refresh: 'R7', long_one: 'long-enough' },
      sources: { client_id: 'env', client_secret: 'env', refresh: 'store', long_one: 'env' },
      missing: [],
      unset: [],
    };
    warnAboutShortEnvironmentSecrets(log, 'warn_env', resolved);
    warnAboutShortEnvironmentSecrets(log, 'warn_env', resolved);
    expect(log.lines).toEqual([
      'The secret client_id of warn_env, from the environment, is shorter than 4 characters, too short to be redacted: it can show in output and logs.',
      'The secret client_secret of warn_env, from the environment, is shorter than 4 characters, too short to be redacted: it can show in output and logs.',
    ]);
  });
});
