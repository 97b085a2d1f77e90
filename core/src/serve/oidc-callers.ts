/**
 * OIDC callers of `connectors serve` (DESIGN.md section 9): a workload whose own cloud vouches for
 * it with a JWT, no shared secret. Each entry of `serve.oidc_callers` names an issuer; its
 * discovery document (`<issuer>/.well-known/openid-configuration`) gives the `jwks_uri`, and jose
 * verifies the signature against that key set (refetched when an unknown `kid` shows up), `iss`
 * exactly, `exp` (required) and `nbf` with 60 s leeway; then `aud` must hold the entry's `audience`
 * and `sub` equal its `subject` or match it as a glob. Anything else is no caller (401).
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { UsageError } from '../errors.js';
import type { Logger } from '../plugin-api.js';
import { isAllowGlob, subjectMatches } from './caller-globs.js';
import type { Caller } from './callers.js';
import { isCallerName } from './caller-names.js';

/** One entry of `serve.oidc_callers` in connectors.config.yaml. */
export interface OidcCallerConfig {
  /** The caller's name in the audit log. */
  name: string;
  /** The issuer exactly as its tokens' `iss` says (https; http only on a loopback host). */
  issuer: string;
  /** The `aud` the token must carry. */
  audience: string;
  /** The `sub` the token must carry, or a glob over it (`*` matches any characters). */
  subject: string;
  /** `<connector>/<connection>` globs the caller may use. */
  allow: string[];
  /** May ask for credentials. Default false. */
  credentials?: boolean;
  /** May read `/metrics`. Default false. */
  metrics?: boolean;
}

/** Allowed clock difference for `exp` and `nbf`, in seconds. */
export const OIDC_CLOCK_TOLERANCE_SECONDS = 60;

/** How long a failed discovery is remembered before the issuer is asked again. */
const DISCOVERY_RETRY_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Verifies OIDC JWTs against the declared callers. */
export interface OidcCallerVerifier {
  /** The first declared caller the token satisfies, else undefined. Never throws for a bad token. */
  verify(token: string): Promise<Caller | undefined>;
}

export interface OidcCallerVerifierOptions {
  now?: () => number;
  log?: Logger;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

interface IssuerState {
  keys?: Promise<KeySet>;
  failedAt?: number;
}

/** Checks `configs` (a `UsageError` names the first bad field) and returns their verifier. */
export function createOidcCallerVerifier(configs: readonly OidcCallerConfig[], options: OidcCallerVerifierOptions = {}): OidcCallerVerifier {
  configs.forEach(checkOidcCallerConfig);
  const now = options.now ?? Date.now;
  const issuers = new Map<string, IssuerState>();

  const keySetOf = async (issuer: string): Promise<KeySet | undefined> => {
    let state = issuers.get(issuer);
    if (state?.failedAt !== undefined && Date.now() - state.failedAt < DISCOVERY_RETRY_MS) return undefined;
    if (!state?.keys) {
      state = { keys: discoverKeySet(issuer) };
      issuers.set(issuer, state);
    }
    try {
      return await state.keys;
    } catch (error) {
      if (state.failedAt === undefined) {
        options.log?.warn(`The OIDC issuer ${issuer} could not be discovered (${error instanceof Error ? error.message : 'unknown error'}); its callers get 401.`);
      }
      issuers.set(issuer, { failedAt: Date.now() });
      return undefined;
    }
  };

  return {
    async verify(token) {
      let issuer: unknown;
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        return undefined;
      }
      const candidates = configs.filter((config) => config.issuer === issuer);
      if (typeof issuer !== 'string' || candidates.length === 0) return undefined;
      const keys = await keySetOf(issuer);
      if (!keys) return undefined;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer,
          clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'sub'],
          algorithms: ASYMMETRIC_ALGORITHMS,
        }));
      } catch {
        return undefined;
      }
      const match = candidates.find((config) => hasAudience(payload, config.audience) && typeof payload.sub === 'string' && subjectMatches(config.subject, payload.sub));
      if (!match) return undefined;
      return { name: match.name, kind: 'oidc', allow: [...match.allow], credentials: match.credentials === true, metrics: match.metrics === true };
    },
  };
}

/** A `UsageError` naming `serve.oidc_callers[i].<field>` when an entry cannot be used. */
export function checkOidcCallerConfig(config: OidcCallerConfig, index: number): void {
  const at = (field: string) => `serve.oidc_callers[${index}].${field}`;
  const fail = (field: string, why: string): never => {
    throw new UsageError(`${at(field)} ${why}.`);
  };
  if (typeof config.name !== 'string' || !isCallerName(config.name)) fail('name', 'must be a caller name (letters, digits, "_", "-" and ".", at most 64)');
  if (typeof config.issuer !== 'string') fail('issuer', 'must be a URL');
  let url: URL | undefined;
  try {
    url = new URL(config.issuer);
  } catch {
    fail('issuer', `"${config.issuer}" is not a URL`);
  }
  if (!isAcceptableIssuerUrl(url as URL)) fail('issuer', `"${config.issuer}" must be https (http only on a loopback host)`);
  if (typeof config.audience !== 'string' || config.audience === '') fail('audience', 'must be a non-empty string');
  if (typeof config.subject !== 'string' || config.subject === '') fail('subject', 'must be a non-empty string or glob');
  if (!Array.isArray(config.allow) || config.allow.length === 0) fail('allow', 'must list at least one <connector>/<connection> glob');
  for (const glob of config.allow) if (typeof glob !== 'string' || !isAllowGlob(glob)) fail('allow', `"${String(glob)}" is not a <connector>/<connection> glob`);
}

/** https anywhere; http only on `localhost`, `127.0.0.0/8` or `::1` (DESIGN.md section 9). */
export function isAcceptableIssuerUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHostname(url.hostname);
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Reads the discovery document (its `issuer` must match) and opens the key set at its `jwks_uri`. */
async function discoverKeySet(issuer: string): Promise<KeySet> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (response.status !== 200) throw new Error(`its discovery document answered ${response.status}`);
  const document = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!document || document.issuer !== issuer) throw new Error('its discovery document names a different issuer');
  if (typeof document.jwks_uri !== 'string') throw new Error('its discovery document has no jwks_uri');
  let jwksUri: URL;
  try {
    jwksUri = new URL(document.jwks_uri);
  } catch {
    throw new Error('its jwks_uri is not a URL');
  }
  if (!isAcceptableIssuerUrl(jwksUri)) throw new Error('its jwks_uri is not https');
  return createRemoteJWKSet(jwksUri, { timeoutDuration: FETCH_TIMEOUT_MS });
}

function hasAudience(payload: JWTPayload, audience: string): boolean {
  return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
}
