/**
 * Who may call `connectors serve` (DESIGN.md section 9, "Callers"): every request but the health
 * checks names its caller with `Authorization: Bearer <token>`, either a caller key (`ck_...`, made
 * by `connectors callers add`, kept in the store as a SHA-256 digest) or an OIDC JWT from an
 * issuer declared under `serve.oidc_callers`. {@link createCallerAuthenticator} turns the header
 * into a {@link Caller} or undefined (401); {@link callerAllows} decides 403.
 */
import type { Logger } from '../plugin-api.js';
import type { SecretStore } from '../secrets/store.js';
import { allowGlobMatches } from './caller-globs.js';
import { findCallerByKey, isCallerKeyShaped } from './caller-keys.js';
import { createOidcCallerVerifier, type OidcCallerConfig } from './oidc-callers.js';

export type { OidcCallerConfig } from './oidc-callers.js';

/** What a caller may do. */
export interface CallerGrants {
  /** `<connector>/<connection>` globs; `*` matches within one part. */
  allow: string[];
  /** May ask for credentials (`POST /v1/connections/<c>/<conn>/credentials`). */
  credentials: boolean;
  /** May read `GET /metrics`. */
  metrics: boolean;
}

/** An authenticated caller: its name (for the audit log), how it proved itself, its grants. */
export interface Caller extends CallerGrants {
  name: string;
  kind: 'key' | 'oidc';
}

/** Turns an `Authorization` header into a caller. */
export interface CallerAuthenticator {
  /** The caller an `Authorization` header names, or undefined (=> 401). Never throws for bad input. */
  authenticate(authorization: string | undefined): Promise<Caller | undefined>;
}

/** What {@link createCallerAuthenticator} checks against. */
export interface CallerAuthenticatorOptions {
  /** Caller keys: SHA-256 + grants, via `store.listCallers()`. */
  store: SecretStore;
  /** `serve.oidc_callers` from connectors.config.yaml. */
  oidcCallers?: OidcCallerConfig[];
  /** The clock for JWT `exp`/`nbf`, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Where a failed discovery or key-set fetch is reported (never a token). */
  log?: Logger;
}

/**
 * The authenticator of `connectors serve`. A `Bearer ck_...` token is looked up among the stored
 * callers by its SHA-256 (compared in constant time); any other Bearer token is verified as an
 * OIDC JWT against `oidcCallers`. An `oidcCallers` entry that is not valid (a bad name or glob, an
 * `http://` issuer off loopback) throws a `UsageError` here, at startup, never per request.
 */
export function createCallerAuthenticator(options: CallerAuthenticatorOptions): CallerAuthenticator {
  const { store } = options;
  const oidc = options.oidcCallers?.length
    ? createOidcCallerVerifier(options.oidcCallers, { now: options.now, log: options.log })
    : undefined;
  return {
    async authenticate(authorization) {
      try {
        const token = parseBearer(authorization);
        if (token === undefined) return undefined;
        if (isCallerKeyShaped(token)) {
          const stored = findCallerByKey(await store.listCallers(), token);
          if (!stored) return undefined;
          return { name: stored.name, kind: 'key', allow: [...stored.allow], credentials: stored.credentials, metrics: stored.metrics };
        }
        return oidc ? await oidc.verify(token) : undefined;
      } catch (error) {
        options.log?.warn(`A caller could not be authenticated (${describeFailure(error)}).`);
        return undefined;
      }
    },
  };
}

/** `allow` globs are `<connector>/<connection>`; `*` matches within one part. */
export function callerAllows(caller: CallerGrants, connector: string, connection: string): boolean {
  return caller.allow.some((glob) => allowGlobMatches(glob, connector, connection));
}

/** The token of `Bearer <token>` (scheme case-insensitive, RFC 6750 section 2.1), else undefined. */
function parseBearer(authorization: string | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return match?.[1];
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unexpected error';
  return message;
}
