/**
 * What went wrong talking to the PostgreSQL store, as one sentence naming the server (host, port,
 * database, user) and never the password: an unreachable host, a refused login, missing rights, a
 * lock not granted in time.
 */
import { ConnectorsError, SecretStoreError, type ConnectorsErrorOptions } from '../../errors.js';
import { LockTimeoutError } from '../../sessions/lock.js';

/** Where the store is, for messages: everything of the URL but the password. */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  schema: string;
}

/** The parts of a `postgres://` URL that messages may show; a URL that does not parse is a {@link SecretStoreError}. */
export function describePgUrl(url: string, schema: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SecretStoreError('The PostgreSQL store URL is not a URL (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE).');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new SecretStoreError(`The PostgreSQL store URL must start with postgres://, not ${parsed.protocol}//.`);
  }
  return {
    host: decodeURIComponent(parsed.hostname) || 'localhost',
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres',
    user: decodeURIComponent(parsed.username) || 'postgres',
    schema,
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Who talks to the database, for {@link toPgStoreError}'s sentences. Default: the store. */
export interface PgSubject {
  /** e.g. `the PostgreSQL destination`. */
  name: string;
  /** Where its URL is set, for the hint of an unreachable server. */
  urlSource: string;
  /** The error class of its sentences. */
  errorClass: new (message: string, options?: ConnectorsErrorOptions) => ConnectorsError;
}

const STORE_SUBJECT: PgSubject = {
  name: 'the PostgreSQL store',
  urlSource: 'secret_store.url (or CONNECTORS_DATABASE_URL)',
  errorClass: SecretStoreError,
};

/** Turns an error of `pg` (or of the network under it) into one sentence about `target`. */
export function toPgStoreError(error: unknown, target: PgTarget, doing: string, subject: PgSubject = STORE_SUBJECT): ConnectorsError {
  if (error instanceof ConnectorsError) return error;
  const Failure = subject.errorClass;
  const at = `${subject.name} at ${target.host}:${target.port}`;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return new Failure(`Cannot reach ${at} (${code}) to ${doing}.`, { ...options, hint: `Check the host and port of ${subject.urlSource}, and that the server runs.` });
    case '28P01':
    case '28000':
      return new Failure(`${capitalize(at)} refused the login of user ${target.user} to ${doing} (${code === '28P01' ? 'wrong password' : 'not allowed'}).`, options);
    case '3D000':
      return new Failure(`${capitalize(at)} has no database ${target.database}.`, options);
    case '42501':
      return new Failure(`The user ${target.user} may not ${doing} in database ${target.database} of ${at} (permission denied).`, {
        ...options,
        hint: `Create the schema ${target.schema} as its owner, or grant the user CREATE on the database.`,
      });
    case '55P03':
      return new LockTimeoutError(`Timed out waiting to ${doing} in ${at}: another process holds it.`);
    case '57P01':
    case '57P03':
      return new Failure(`${capitalize(at)} is shutting down or starting up; could not ${doing}.`, options);
    default:
      if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
        return new Failure(`Cannot reach ${at} (no answer in time) to ${doing}.`, options);
      }
      return new Failure(`${capitalize(at)} failed to ${doing}${code ? ` (${code})` : ''}: ${firstLine(message)}`, options);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return /[.!?]$/.test(line) ? line : `${line}.`;
}
