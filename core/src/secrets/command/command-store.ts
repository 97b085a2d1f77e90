/**
 * The command store (DESIGN.md section 10, `type: command`): each secret is read, written and
 * deleted by running a program (`pass`, `op`, `vault`, `gcloud`, `aws`), so the secrets stay in the
 * password manager or cloud secret service. Sessions, run states, callers and locks change with
 * every renewal, so they live in another store (the file store under CONNECTORS_HOME unless
 * `sessions:` names one).
 */
import { isConnectionConfigEntry } from '../../config/connection-config.js';
import { SecretStoreError } from '../../errors.js';
import { assertStorableName, isFileSafeName, quoteName, type ConnectionRef, type SecretStore, type StoredCaller, type StoredSession } from '../store.js';
import { fillPlaceholders, type CommandStoreConfig } from './command-store-config.js';
import { runStoreCommand, STORE_COMMAND_MAX_OUTPUT_BYTES, type StoreCommandOutcome } from './run-store-command.js';

/** What a {@link CommandStore} runs its programs with. */
export interface CommandStoreOptions {
  config: CommandStoreConfig;
  /** Keeps sessions, states, callers and the connection lock. */
  sessions: SecretStore;
  /** The programs' working folder (the folder of connectors.config.yaml). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Removes known secrets from a program's stderr before it is shown. */
  redact: (text: string) => string;
}

type Operation = 'get' | 'set' | 'delete';

/**
 * A {@link SecretStore} whose secrets are programs' answers. It cannot list secrets: `getSecrets`
 * runs `get` once for each name asked, in turn (a password manager may prompt), and returns only
 * those found; `listConnections` reports the connections with a session.
 */
export class CommandStore implements SecretStore {
  withConnectionLock?: SecretStore['withConnectionLock'];
  getState?: SecretStore['getState'];
  setState?: SecretStore['setState'];
  rekey?: SecretStore['rekey'];

  constructor(private readonly options: CommandStoreOptions) {
    const { sessions } = options;
    if (sessions.withConnectionLock) this.withConnectionLock = sessions.withConnectionLock.bind(sessions);
    if (sessions.getState && sessions.setState) {
      this.getState = sessions.getState.bind(sessions);
      this.setState = sessions.setState.bind(sessions);
    }
    if (sessions.rekey) this.rekey = sessions.rekey.bind(sessions);
  }

  /** Runs `get` for each of `names`; without names it reads nothing and returns `{}`. */
  async getSecrets(ref: ConnectionRef, names: readonly string[] = []): Promise<Record<string, string>> {
    const secrets: Record<string, string> = {};
    for (const name of new Set(names)) {
      const value = await this.getSecret(ref, name);
      if (value !== undefined) secrets[name] = value;
    }
    return secrets;
  }

  /** One secret: the program's stdout without one trailing newline; undefined when it is not stored. */
  async getSecret(ref: ConnectionRef, name: string): Promise<string | undefined> {
    const outcome = await this.run('get', ref, name);
    if (outcome.kind !== 'exited') throw this.failure('get', ref, name, outcome);
    if (outcome.code !== 0) {
      if (outcome.stderr.trim() === '') return undefined;
      throw this.failure('get', ref, name, outcome);
    }
    const value = outcome.stdout.replace(/\r?\n$/, '');
    return value === '' ? undefined : value;
  }

  /** Runs `set` with the value on its stdin (never as an argument, which `ps` would show). */
  async setSecret(ref: ConnectionRef, name: string, value: string): Promise<void> {
    const outcome = await this.run('set', ref, name, value);
    if (outcome.kind !== 'exited' || outcome.code !== 0) throw this.failure('set', ref, name, outcome, value);
  }

  /** Runs `delete`: exit 0 is deleted, a silent non-zero exit is "was not stored". */
  async deleteSecret(ref: ConnectionRef, name: string): Promise<boolean> {
    const outcome = await this.run('delete', ref, name);
    if (outcome.kind === 'exited' && outcome.code === 0) return true;
    if (outcome.kind === 'exited' && outcome.stderr.trim() === '') return false;
    throw this.failure('delete', ref, name, outcome);
  }

  getSession(ref: ConnectionRef): Promise<StoredSession | undefined> {
    return this.options.sessions.getSession(ref);
  }

  setSession(ref: ConnectionRef, session: StoredSession | undefined): Promise<void> {
    return this.options.sessions.setSession(ref, session);
  }

  listConnections(connector: string): Promise<string[]> {
    return this.options.sessions.listConnections(connector);
  }

  listCallers(): Promise<StoredCaller[]> {
    return this.options.sessions.listCallers();
  }

  putCaller(caller: StoredCaller): Promise<void> {
    return this.options.sessions.putCaller(caller);
  }

  deleteCaller(name: string): Promise<boolean> {
    return this.options.sessions.deleteCaller(name);
  }

  async close(): Promise<void> {
    await this.options.sessions.close?.();
  }

  private async run(operation: Operation, ref: ConnectionRef, name: string, input?: string): Promise<StoreCommandOutcome> {
    const argv = this.options.config[operation];
    if (!argv) {
      throw new SecretStoreError(
        `secret_store type command has no ${operation} command in connectors.config.yaml, so secret ${quoteName(name)} cannot be ${operation === 'set' ? 'stored' : 'deleted'} here; ${operation} it with the password manager itself, or add ${operation}: [...].`,
      );
    }
    assertStorableName(ref, name);
    // a value starting with "-" would be read as an option by the program
    for (const value of [ref.connector, ref.connection, name]) {
      if (!isFileSafeName(value)) throw new SecretStoreError(`The name ${quoteName(value)} cannot be passed to a secret_store command: use letters, digits, "_", "-" and ".", not starting with "-" or ".".`);
    }
    const filled = fillPlaceholders(argv, { ...ref, name });
    return runStoreCommand({ argv: filled, input, timeoutMs: this.options.config.timeoutMs, cwd: this.options.cwd, env: this.options.env });
  }

  private failure(operation: Operation, ref: ConnectionRef, name: string, outcome: StoreCommandOutcome, value?: string): SecretStoreError {
    const program = JSON.stringify(this.options.config[operation]![0]);
    const entry = isConnectionConfigEntry(name) ? 'the connection config' : `secret ${quoteName(name)}`;
    const what = `The secret_store ${operation} command ${program} (${entry} of ${ref.connector}/${ref.connection})`;
    switch (outcome.kind) {
      case 'not-started':
        return new SecretStoreError(
          outcome.notFound
            ? `The secret_store ${operation} command ${program} was not found: install it, or give its full path in connectors.config.yaml.`
            : `${what} could not be started (${outcome.reason}).`,
        );
      case 'timed-out':
        return new SecretStoreError(`${what} did not finish within ${this.options.config.timeoutMs / 1000} s and was stopped; raise secret_store.timeout if it needs longer.`);
      case 'too-much-output':
        return new SecretStoreError(`${what} printed more than ${STORE_COMMAND_MAX_OUTPUT_BYTES / 1024 / 1024} MiB and was stopped.`);
      case 'signaled':
        return new SecretStoreError(`${what} was killed by ${outcome.signal}${this.firstLine(outcome.stderr, value)}.`);
      case 'exited':
        return new SecretStoreError(`${what} failed with exit ${outcome.code}${this.firstLine(outcome.stderr, value)}.`);
    }
  }

  /** `: <first line of stderr>`, redacted, or nothing when stderr is empty. */
  private firstLine(stderr: string, value: string | undefined): string {
    let line = stderr.split(/\r?\n/).find((text) => text.trim() !== '')?.trim() ?? '';
    if (line === '') return '';
    if (value && value.length >= 4) line = line.split(value).join('***');
    line = this.options.redact(line);
    if (line.length > 300) line = `${line.slice(0, 300)}…`;
    return `: ${line.replace(/[.]$/, '')}`;
  }
}
