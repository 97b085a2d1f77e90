/**
 * The error classes of the runtime. Every error the runtime raises on purpose is a
 * {@link ConnectorsError}: a one-sentence `message`, a stable `code`, the `exitCode` the CLI
 * uses (2 for usage errors, else 1), and optionally where (`location`) and what to do (`hint`).
 *
 * Errors never carry request options, headers or bodies as fields: messages are built from
 * redacted values only.
 */

/** Where a problem stands in a manifest or config file. Lines and columns start at 1. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** The JSON path of the node, e.g. `streams[0].pagination.type`. Empty for the document. */
  path: string;
}

export interface ConnectorsErrorOptions {
  code?: string;
  exitCode?: 1 | 2;
  location?: SourceLocation;
  hint?: string;
  cause?: unknown;
}

/** Base class of every error the runtime raises on purpose. */
export class ConnectorsError extends Error {
  readonly code: string;
  readonly exitCode: 1 | 2;
  readonly location?: SourceLocation;
  readonly hint?: string;

  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERR_CONNECTORS';
    this.exitCode = options.exitCode ?? 1;
    if (options.location) this.location = options.location;
    if (options.hint) this.hint = options.hint;
  }
}

/** A manifest or project config that does not load or validate. */
export class ManifestError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_MANIFEST', ...options });
  }
}

/** Wrong use of the CLI or API: unknown flag or stream, bad `--config` value. Exit 2. */
export class UsageError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_USAGE', exitCode: 2, ...options });
  }
}

export interface AuthErrorOptions extends ConnectorsErrorOptions {
  /** The provider's `error` code (RFC 6749 section 5.2), e.g. `invalid_grant`. */
  providerError?: string;
  /** The provider's `error_description`. */
  providerErrorDescription?: string;
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
}

/** Authentication failed: a missing secret, a rejected credential, a failed renewal. */
export class AuthError extends ConnectorsError {
  readonly providerError?: string;
  readonly providerErrorDescription?: string;
  readonly status?: number;

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'ERR_AUTH', ...options });
    if (options.providerError) this.providerError = options.providerError;
    if (options.providerErrorDescription) this.providerErrorDescription = options.providerErrorDescription;
    if (options.status !== undefined) this.status = options.status;
  }
}

export interface HttpErrorOptions extends ConnectorsErrorOptions {
  status?: number;
  method?: string;
  /** The request URL with secrets redacted. */
  url?: string;
}

/** An HTTP request that failed after retries: a bad status, a network error, a body that is not JSON. */
export class HttpError extends ConnectorsError {
  readonly status?: number;
  readonly method?: string;
  readonly url?: string;

  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, { code: 'ERR_HTTP', ...options });
    if (options.status !== undefined) this.status = options.status;
    if (options.method) this.method = options.method;
    if (options.url) this.url = options.url;
  }
}

/** A plugin package that cannot be loaded or breaks the plugin contract. */
export class PluginError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_PLUGIN', ...options });
  }
}

/** The secret store cannot be read, decrypted or written. */
export class SecretStoreError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_SECRET_STORE', ...options });
  }
}

/**
 * A destination (DESIGN.md section 11) that cannot take the run's records: a database that
 * refuses, a table of another shape, a Singer target that cannot start or fails.
 */
export class DestinationError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_DESTINATION', ...options });
  }
}

/** A template that does not parse, or a value it needs that is missing when it renders. */
export class TemplateError extends ConnectorsError {
  constructor(message: string, options: ConnectorsErrorOptions = {}) {
    super(message, { code: 'ERR_TEMPLATE', ...options });
  }
}

/** Formats a location the way every tool does: `file:line:col`. */
export function formatLocation(location: Pick<SourceLocation, 'file' | 'line' | 'col'>): string {
  return `${location.file}:${location.line}:${location.col}`;
}
