import { AuthError } from '../errors.js';

/** A required secret set neither in the environment nor in the store. */
export interface MissingSecret {
  name: string;
  /** Its environment variable, `CONNECTORS_SECRET_<CONNECTOR>_<NAME>`. */
  env: string;
}

/**
 * Required secrets that are missing. The message names each secret, its environment variable and
 * the command that stores it; never a value.
 */
export class MissingSecretError extends AuthError {
  readonly missing: MissingSecret[];

  constructor(connector: string, connection: string, missing: MissingSecret[]) {
    const flag = connection === 'default' ? '' : ` --connection ${connection}`;
    const [first] = missing;
    const message =
      missing.length === 1 && first
        ? `The secret "${first.name}" of ${connector} is missing: set ${first.env} or run "connectors secrets set ${connector} ${first.name}${flag}".`
        : `The secrets ${missing.map((m) => `"${m.name}" (${m.env})`).join(', ')} of ${connector} are missing: set them in the environment or run "connectors secrets set ${connector} <secret>${flag}" for each.`;
    super(message, { code: 'ERR_SECRET_MISSING' });
    this.missing = missing;
  }
}
