import { startLoopbackListener } from '../auth/oauth/loopback.js';
import { AuthError, UsageError } from '../errors.js';
import type { DeviceCodeInfo, LoginContext, LoginFlow } from '../plugin-api.js';
import { toStoredSession } from '../sessions/session-codec.js';
import { openConnection, openConnectorTarget, type ConnectionOptions } from './open-connection.js';
import type { Project } from './open-project.js';

/** `connectors auth login` as a library call. */
export interface LoginOptions extends ConnectionOptions {
  /** The loopback port (`--port`); 0 picks a free one. */
  port?: number;
  /** How long to wait for the browser, in ms (`--timeout`). */
  timeoutMs?: number;
  /** Shows the authorization URL to the user (prints it, opens a browser). */
  showAuthorizationUrl(url: URL): void | Promise<void>;
  /** The device flow of RFC 8628 instead of the loopback redirect (`--device`). */
  device?: boolean;
  /**
   * Shows the device flow's verification URL and user code (prints them, opens the complete URL).
   * Without it the code is logged.
   */
  showDeviceCode?(info: DeviceCodeInfo): void | Promise<void>;
}

/** What `auth status` shows: never a secret value. */
export interface AuthStatus {
  connector: string;
  connection: string;
  scheme: string;
  session?: { expiresAt?: string; savedAt: string; secrets: string[]; values: string[] };
}

/**
 * `connectors auth login`: the scheme's interactive onboarding, either oauth2's authorization-code
 * flow with PKCE and state on a loopback redirect `http://127.0.0.1:<port>/callback`, or the
 * device flow of RFC 8628 (`--device`, or a provider with only a device endpoint), which needs no
 * listener. The session it returns replaces the stored one. A scheme may store secrets of the
 * connection on the way (`saveSecrets`: oauth2's client registered for an MCP server).
 */
export async function loginConnection(project: Project, options: LoginOptions): Promise<AuthStatus> {
  const connection = await openConnection(project, options);
  const { registered, ref, ctx, sessions, store, redactor, now } = connection;
  const scheme = registered.scheme;
  if (!scheme.login) {
    throw new AuthError(`The ${scheme.name} scheme of ${ref.connector} has no interactive login.`, {
      hint: `Set its secrets with \`connectors secrets set ${ref.connector} <secret>\` instead.`,
    });
  }
  const device = options.device ?? false;
  let flow: LoginFlow = 'authorization_code';
  if (scheme.loginFlow) flow = await scheme.loginFlow(ctx, { device });
  else if (device) {
    throw new UsageError(`The ${scheme.name} scheme of ${ref.connector} has no device flow; run \`connectors auth login ${ref.connector}\` without --device.`);
  }
  const listener = flow === 'device' ? undefined : await startLoopbackListener({ port: options.port, timeoutMs: options.timeoutMs });
  try {
    const loginContext: LoginContext = {
      ...ctx,
      flow,
      redirectUri: listener?.redirectUri ?? '',
      authorize: async (url, expectedState) => {
        if (!listener) throw new AuthError(`The ${scheme.name} scheme of ${ref.connector} asked for a browser redirect in the device flow.`);
        await options.showAuthorizationUrl(url);
        return listener.waitForCallback(expectedState);
      },
      showDeviceCode: async (info) => {
        if (options.showDeviceCode) await options.showDeviceCode(info);
        else ctx.log.info(`To log in, visit ${info.verificationUri} and enter the code ${info.userCode}.`);
      },
      saveSecrets: async (secrets) => {
        redactor.addAll(secrets);
        await sessions.withConnectionLock(ref, async () => {
          for (const [name, value] of Object.entries(secrets)) await store.setSecret(ref, name, value);
        });
      },
    };
    const session = await scheme.login(loginContext);
    redactor.addAll(session.secrets);
    await sessions.withConnectionLock(ref, () => store.setSession(ref, toStoredSession(session, now(), scheme.name)));
  } finally {
    await listener?.close();
  }
  return describeAuthStatus(project, options);
}

/** `connectors auth status`: the scheme and the stored session's expiry, names only. */
export async function describeAuthStatus(project: Project, options: ConnectionOptions): Promise<AuthStatus> {
  const target = await openConnectorTarget(project, options);
  const stored = await target.store.getSession(target.ref);
  const status: AuthStatus = {
    connector: target.ref.connector,
    connection: target.ref.connection,
    scheme: target.registered.scheme.name,
  };
  if (stored) {
    status.session = {
      savedAt: stored.savedAt,
      secrets: Object.keys(stored.secrets).sort(),
      values: Object.keys(stored.values ?? {}).sort(),
    };
    if (stored.expiresAt) status.session.expiresAt = stored.expiresAt;
  }
  return status;
}

/** `connectors auth logout`: discards the stored session. @returns false when there was none. */
export async function logoutConnection(project: Project, options: ConnectionOptions): Promise<boolean> {
  const target = await openConnectorTarget(project, options);
  const had = (await target.store.getSession(target.ref)) !== undefined;
  await target.sessions.discardSession(target.ref);
  return had;
}
