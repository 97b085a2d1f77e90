/**
 * The options of `secret_store: {type: command, get, set?, delete?, timeout?, sessions?}` (DESIGN.md
 * section 10), checked once when the store is opened.
 */
import { SecretStoreError } from '../../errors.js';

/** The placeholders an argument may hold; each is replaced inside its argument, which stays one argument. */
export const COMMAND_PLACEHOLDERS = ['{connector}', '{connection}', '{name}'] as const;

/** Seconds a store command may run before it is stopped, unless `timeout` says otherwise. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 30;

/** A checked command store configuration. */
export interface CommandStoreConfig {
  get: string[];
  set?: string[];
  delete?: string[];
  timeoutMs: number;
  /** `sessions:`: the store kind that keeps sessions, state and callers; absent means the file store under CONNECTORS_HOME. */
  sessions?: { type: string; [option: string]: unknown };
}

/** Checks the options of a command store; a bad one is a {@link SecretStoreError} naming the key. */
export function parseCommandStoreConfig(options: Record<string, unknown>): CommandStoreConfig {
  const known = new Set(['get', 'set', 'delete', 'timeout', 'sessions']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new SecretStoreError(`secret_store type command has no option "${key}"; its options are get, set, delete, timeout and sessions.`);
  }
  const config: CommandStoreConfig = { get: readArgv(options, 'get', true)!, timeoutMs: readTimeout(options.timeout) };
  const set = readArgv(options, 'set', false);
  const del = readArgv(options, 'delete', false);
  if (set) config.set = set;
  if (del) config.delete = del;
  if (options.sessions !== undefined) config.sessions = readSessions(options.sessions);
  return config;
}

function readArgv(options: Record<string, unknown>, key: string, required: boolean): string[] | undefined {
  const value = options[key];
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((arg) => typeof arg !== 'string')) {
    throw new SecretStoreError(`secret_store type command needs ${key} as a list of strings: the program and its arguments, e.g. ${key}: ["pass", "show", "connectors/{connector}/{connection}/{name}"].`);
  }
  if ((value[0] as string).trim() === '') throw new SecretStoreError(`secret_store.${key} of type command starts with an empty program name.`);
  for (const arg of value as string[]) {
    const unknown = arg.match(/\{[^{}]*\}/g)?.find((token) => !(COMMAND_PLACEHOLDERS as readonly string[]).includes(token));
    if (unknown) throw new SecretStoreError(`secret_store.${key} has the placeholder ${unknown}; the placeholders are ${COMMAND_PLACEHOLDERS.join(', ')}.`);
  }
  return [...(value as string[])];
}

function readTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_COMMAND_TIMEOUT_SECONDS * 1000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new SecretStoreError('secret_store.timeout of type command must be a number of seconds, more than 0 and at most 3600.');
  }
  return Math.round(value * 1000);
}

function readSessions(value: unknown): { type: string; [option: string]: unknown } {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
    throw new SecretStoreError('secret_store.sessions of type command must be a store like secret_store itself, e.g. sessions: {type: postgres}.');
  }
  if ((value as { type: string }).type === 'command') {
    throw new SecretStoreError('secret_store.sessions cannot be another command store: sessions change, and need a store that can write them (file, postgres or a plugin\'s).');
  }
  return value as { type: string; [option: string]: unknown };
}

/** `argv` with the placeholders of `values` replaced; every argument stays one argument. */
export function fillPlaceholders(argv: readonly string[], values: { connector: string; connection: string; name: string }): string[] {
  return argv.map((arg) => arg.replaceAll('{connector}', values.connector).replaceAll('{connection}', values.connection).replaceAll('{name}', values.name));
}
