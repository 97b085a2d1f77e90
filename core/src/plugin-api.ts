/**
 * The plugin API (DESIGN.md section 6): what an auth scheme is, and what the runtime hands it.
 * Built-in schemes and third-party plugins implement the same {@link AuthScheme} interface.
 */

/** A JSON Schema (draft 2020-12) as a plain object. */
export type JSONSchema = Record<string, unknown>;

/** A secret a scheme needs from the user, or one it puts into the connector context. */
export interface SecretSpec {
  /** The secret's name, e.g. `client_secret`. Templates read it as `{{ secrets.<name> }}`. */
  name: string;
  description?: string;
  /** When true the secret may be missing. */
  optional?: boolean;
  /** The value used when the secret is set nowhere (it is then not missing). */
  default?: string;
  /**
   * When true the empty string is a value (`secrets set NAME SECRET --value ""`, or an environment
   * variable set to `""`); otherwise an empty value counts as unset.
   */
  allowEmpty?: boolean;
  /** Other names the user may store it under, e.g. `consumer_token` for `consumer_key`. */
  aliases?: string[];
}

/**
 * What a scheme's `authenticate` returns, and what the runtime stores with the connection so the
 * next process can reuse it.
 */
export interface Session {
  /** The injected secrets: tokens, tickets. Redacted wherever they could be printed. */
  secrets: Record<string, string>;
  /** When the credentials stop working. Without it, the session is renewed only after a 401. */
  expiresAt?: Date | string;
  /**
   * When the credentials were issued. With `expiresAt` it gives the lifetime used by the renewal
   * window (`min(refresh_before, lifetime / 2)`). Defaults to the time `authenticate` returned.
   */
  issuedAt?: Date | string;
  /** Non-secret values exposed to templates as `{{ auth.<key> }}`, e.g. `webapi_url`. */
  values?: Record<string, unknown>;
}

/** Writes diagnostics to stderr. Every line passes through redaction. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** One HTTP request made by a scheme through {@link HttpClient}. */
export interface HttpRequestOptions {
  /** Defaults to GET. */
  method?: string;
  url: string | URL;
  headers?: Record<string, string>;
  /** Query parameters added to `url`. */
  searchParams?: Record<string, string | number | boolean>;
  /** A JSON body; sets `content-type: application/json`. */
  json?: unknown;
  /** An `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>;
  /** A raw body. */
  body?: string | Buffer;
  /** Throw an `HttpError` on a status outside 2xx (default true). */
  throwHttpErrors?: boolean;
}

/** The answer to an {@link HttpRequestOptions}. */
export interface HttpResponse {
  status: number;
  /** The final URL, after redirects. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text. */
  body: string;
  /** The body parsed as JSON; throws an `HttpError` naming the URL when it is not JSON. */
  json<T = unknown>(): T;
}

/**
 * The HTTP client a scheme uses for its own requests (token endpoints, logins). It retries like
 * every other request of the runtime, redacts secrets in its errors, and applies no auth.
 */
export interface HttpClient {
  request(options: HttpRequestOptions): Promise<HttpResponse>;
}

/** What the runtime hands a scheme for one connection. */
export interface AuthContext {
  /** The connector's name, e.g. `tripletex`. */
  connector: string;
  /** The connection's name, `default` unless `--connection` says otherwise. */
  connection: string;
  /**
   * The manifest's `auth` block without `scheme`, `refresh_before` and `apply`, with the scheme
   * schema's defaults applied and string values templated with `config`.
   */
  options: Record<string, unknown>;
  /** The resolved required secrets of this connection (aliases resolved to the spec's name). */
  secrets: Record<string, string>;
  /** The connector's resolved `config` (non-secret parameters, defaults applied). */
  config: Record<string, unknown>;
  http: HttpClient;
  log: Logger;
  /** The current time; tests pass a fixed clock. */
  now(): Date;
}

/** What a scheme shows the user in the device flow (RFC 8628 3.3): where to go and what to type. */
export interface DeviceCodeInfo {
  /** The page where the user enters the code (`verification_uri`). */
  verificationUri: string;
  /** The same page with the code filled in (`verification_uri_complete`), when the provider has one. */
  verificationUriComplete?: string;
  /** The code the user types (`user_code`). Short-lived and meant to be shown: not a secret. */
  userCode: string;
  /** Seconds until the code expires. */
  expiresInSeconds: number;
}

/** The interactive flows of `connectors auth login`. */
export type LoginFlow = 'authorization_code' | 'device';

/** What `connectors auth login` hands a scheme for interactive onboarding. */
export interface LoginContext extends AuthContext {
  /**
   * The loopback redirect URI the CLI listens on, `http://127.0.0.1:<port>/callback`. Empty in
   * the device flow, where no listener runs.
   */
  redirectUri: string;
  /**
   * Shows the user a URL to open (or opens the browser) and waits for the callback's query.
   * Rejects in the device flow, where no listener runs.
   */
  authorize(url: URL, expectedState: string): Promise<URLSearchParams>;
  /**
   * The flow the runtime prepared for: `device` when the user asked for it (`--device`) or the
   * scheme's {@link AuthScheme.loginFlow} chose it. Absent means `authorization_code`.
   */
  flow?: LoginFlow;
  /**
   * Shows the user the device flow's verification URL and user code (prints them on stderr, opens
   * `verificationUriComplete` in a browser unless `--no-browser`). A scheme calls it once, after
   * the device authorization request and before it polls. Optional: older runtimes do not set it.
   */
  showDeviceCode?(info: DeviceCodeInfo): void | Promise<void>;
  /**
   * Stores secrets of the connection, as `connectors secrets set` does, so later commands resolve
   * them like secrets the user set: e.g. a client the scheme registered during the login
   * (RFC 7591). Their values are redacted from then on. Optional: older runtimes do not set it.
   */
  saveSecrets?(secrets: Record<string, string>): Promise<void>;
}

/** A request about to be sent. `apply` may change its headers, url and body. */
export interface OutgoingRequest {
  method: string;
  /** The final URL, query included. */
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The names of the secrets of a TLS client certificate (see {@link AuthScheme.tlsClientCertificateFor}). */
export interface TlsClientCertificateSecrets {
  /** The secret holding the certificate, PEM, with any intermediate certificates after it. */
  certificate: string;
  /** The secret holding its private key, PEM, unencrypted. */
  key: string;
}

/** An auth scheme: built in, or exported by a plugin package. */
export interface AuthScheme {
  /** The name manifests use in `auth.scheme`. */
  name: string;
  /** The plugin API version this scheme implements; must be 1. */
  apiVersion: 1;
  description?: string;
  /** JSON Schema of the manifest's `auth` keys besides `scheme`, `refresh_before` and `apply`. */
  options?: JSONSchema;
  /** Secrets the user must supply (every secret the scheme may read, for `connectors schemes`). */
  requiredSecrets: SecretSpec[];
  /**
   * The secrets a connection with these `auth` options needs, when that depends on them (oauth2
   * with `client_auth: none` has no client_secret; `grant_type: password` needs username and
   * password). Each spec should be one of `requiredSecrets`, its `optional` flag set for these
   * options. Without this method every connection needs `requiredSecrets`.
   */
  requiredSecretsFor?(options: Record<string, unknown>): SecretSpec[];
  /**
   * Mutual TLS (RFC 8705): the names of the two secrets holding the client certificate and its
   * private key (PEM) that a connection with these `auth` options (defaults applied) presents on
   * every HTTPS request, token requests and API requests alike; undefined when it presents none.
   * Both should be among the connection's required secrets. The runtime reads them, checks that
   * they are PEM and belong together, and gives them to its HTTP client.
   */
  tlsClientCertificateFor?(options: Record<string, unknown>): TlsClientCertificateSecrets | undefined;
  /** Secrets the scheme puts into the connector context (`{{ secrets.<name> }}`). */
  injectedSecrets: SecretSpec[];
  /**
   * Options whose templates read more than `config`, each with the namespaces it may read, e.g.
   * `{ token_headers: ['config', 'secrets'] }` or `{ apply: ['config', 'secrets', 'session', 'auth'] }`.
   * `validate` checks their references against these namespaces; the runtime hands them to the
   * scheme unrendered (everywhere else in `ctx.options` templates are rendered with `config`), and
   * the scheme renders them when it sends a request, with {@link renderSchemeTemplates}.
   */
  templatedOptions?: Record<string, readonly ('config' | 'secrets' | 'auth' | 'session')[]>;
  /** First login and renewal. `previous` is the last session, if any (e.g. for a refresh token). */
  authenticate(ctx: AuthContext, previous?: Session): Promise<Session>;
  /** Puts the session's credentials on a request. */
  apply(request: OutgoingRequest, session: Session, ctx: AuthContext): void | Promise<void>;
  /** Interactive onboarding (`connectors auth login`). */
  login?(ctx: LoginContext): Promise<Session>;
  /**
   * Which flow `login` will run, asked before it so the runtime starts the loopback listener only
   * for `authorization_code`. `device` is true when the user asked for the device flow
   * (`--device`); a scheme that cannot honour it throws a `UsageError`. Without this method the
   * runtime assumes `authorization_code` and refuses `--device`.
   */
  loginFlow?(ctx: AuthContext, request: { device: boolean }): LoginFlow | Promise<LoginFlow>;
}

/**
 * Identity helper that gives a scheme object its type, for plugin authors:
 * `export default defineAuthScheme({ name: 'acme', ... })`. The result is typed as
 * {@link AuthScheme}, so callers see the full contract (e.g. `apply(request, session, ctx)`)
 * whichever parameters the object's own functions declare.
 */
export function defineAuthScheme(scheme: AuthScheme): AuthScheme {
  return scheme;
}
