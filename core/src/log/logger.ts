import type { Logger } from '../plugin-api.js';

/** True when `DEBUG` asks for the runtime's diagnostics: `DEBUG=connectors*` (or `*`). */
export function isDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.DEBUG ?? '')
    .split(/[\s,]+/)
    .some((pattern) => pattern === '*' || pattern === 'connectors' || pattern.startsWith('connectors*') || pattern.startsWith('connectors:'));
}

export interface LoggerOptions {
  /** Every line passes through it before it is written. */
  redact: (text: string) => string;
  /** Print `debug` lines. Default: {@link isDebugEnabled}. */
  debug?: boolean;
  /** Suppress `info` lines (`--quiet`). Warnings are always written. */
  quiet?: boolean;
  /** Where lines go. Default: stderr. */
  write?: (line: string) => void;
}

/** A {@link Logger} writing redacted lines to stderr: `debug` only under `DEBUG=connectors*`. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debug = options.debug ?? isDebugEnabled();
  return {
    debug(message) {
      if (debug) write(options.redact(`connectors: ${message}`));
    },
    info(message) {
      if (!options.quiet) write(options.redact(message));
    },
    warn(message) {
      write(options.redact(`Warning: ${message}`));
    },
  };
}
