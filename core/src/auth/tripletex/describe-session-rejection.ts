import { AuthError } from '../../errors.js';

interface TripletexApiError {
  status?: number;
  code?: number;
  message?: string;
  developerMessage?: string;
  validationMessages?: Array<{ field?: string; message?: string }>;
}

function parseApiError(body: string): TripletexApiError {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as TripletexApiError) : {};
  } catch {
    return {};
  }
}

/** Replaces each secret value that an echoing API put back into its text by `***`. */
function mask(text: string, secrets: string[]): string {
  return secrets.filter((secret) => secret.length > 0).reduce((masked, secret) => masked.split(secret).join('***'), text);
}

/** Which secret the API's words point at; both when they name neither or both. */
export function suspectSecrets(text: string): string[] {
  const consumer = /consumer/i.test(text);
  const employee = /employee/i.test(text);
  if (consumer && !employee) return ['consumer_key'];
  if (employee && !consumer) return ['employee_token'];
  return ['consumer_key', 'employee_token'];
}

/**
 * Turns a refused session request (the `POST`, or the legacy `PUT`, of `/token/session/:create`)
 * into an {@link AuthError} that quotes Tripletex's `message`, `developerMessage` and
 * `validationMessages` (secret values masked) and names the secret to fix.
 */
export function describeSessionRejection(status: number, body: string, connector: string, secretValues: string[]): AuthError {
  const apiError = parseApiError(body);
  const validation = (apiError.validationMessages ?? [])
    .map((entry) => [entry.field, entry.message].filter(Boolean).join(': '))
    .filter((entry) => entry !== '');
  const said = mask([apiError.message, apiError.developerMessage, ...validation].filter(Boolean).join('; '), secretValues);
  const expiration = /expiration/i.test(said);
  const suspects = suspectSecrets(said);
  const todo = expiration
    ? 'check auth.session_days and the clock of this machine'
    : `check ${suspects.join(' and ')} (connectors secrets set ${connector} ${suspects[0]})`;
  const hint = expiration
    ? 'Check auth.session_days and the clock of this machine.'
    : `Check ${suspects.join(' and ')}: replace a wrong one with "connectors secrets set ${connector} ${suspects[0]}"${suspects.length > 1 ? ` or "connectors secrets set ${connector} ${suspects[1]}"` : ''}.`;
  // The hint survives the session manager's wrapping of provider errors (sessions/renew.ts).
  const options: ConstructorParameters<typeof AuthError>[1] = { status, hint };
  if (apiError.code !== undefined) options.providerError = String(apiError.code);
  if (said) options.providerErrorDescription = said;
  return new AuthError(`Tripletex refused to create a session (status ${status}${said ? `: ${said}` : ''}); ${todo}.`, options);
}
