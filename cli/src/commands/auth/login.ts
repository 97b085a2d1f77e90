import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { loginConnection } from '@connectors/core/internal/runtime/auth-commands.js';
import { parseConfigFlags } from '@connectors/core/internal/config/index.js';
import { configFlag, connectionFlag } from '../../connection-flags.js';
import { openBrowser } from '../../open-browser.js';
import { ProjectCommand } from '../../project-command.js';

export default class AuthLogin extends ProjectCommand {
  static override summary = 'Log in to the provider (OAuth2 authorization code with PKCE, or the device flow) and store the session.';
  static override description = `Listens on http://127.0.0.1:<port>/callback, sends you to the provider's authorization page with state and an S256 code challenge, exchanges the code and stores the tokens as the connection's session. Register that redirect URI with the provider.

With --device (or when the oauth2 auth block has a device_authorization_url and no authorize_url), uses the OAuth 2.0 device authorization grant (RFC 8628) instead, for a machine without a browser: prints a verification URL on its own line and a user code on stderr, and waits while you enter the code on any device; no port is opened.

For an MCP server (the oauth2 auth block has discovery: mcp), the endpoints come from the server's metadata (RFC 9728, RFC 8414); without a client_id secret the login registers a client (RFC 7591) and stores it as the connection's client_id secret, then runs the code flow with PKCE and the resource parameter (RFC 8707).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> hubspot',
    '<%= config.bin %> <%= command.id %> superoffice --port 8765 --no-browser',
    '<%= config.bin %> <%= command.id %> github --device --no-browser',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    connection: connectionFlag,
    config: configFlag,
    port: Flags.integer({ description: 'The loopback port of the redirect URI (0 picks a free one).', default: 0, min: 0, max: 65535 }),
    browser: Flags.boolean({ description: 'Open the authorization URL (device flow: the verification URL with the code) in a browser (--no-browser only prints it on stderr).', default: true, allowNo: true }),
    device: Flags.boolean({ description: 'Use the device flow (RFC 8628): enter a printed code at the provider on any device; no loopback port.', default: false }),
    timeout: Flags.integer({ description: 'Seconds to wait for the browser to come back (the device flow waits until its code expires).', default: 300, min: 1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AuthLogin);
    const project = await this.openProject(flags);
    const status = await loginConnection(project, {
      connector: args.name,
      connection: flags.connection,
      config: parseConfigFlags(flags.config),
      port: flags.port,
      timeoutMs: flags.timeout * 1000,
      device: flags.device,
      showDeviceCode: (info) => {
        const minutes = Math.max(1, Math.round(info.expiresInSeconds / 60));
        if (flags.browser && info.verificationUriComplete) {
          process.stderr.write(`Opening the verification page in your browser; if it does not open, visit this URL and enter the code ${info.userCode}:\n`);
          openBrowser(info.verificationUriComplete);
        } else {
          process.stderr.write(`Open this URL on any device and enter the code ${info.userCode}:\n`);
        }
        process.stderr.write(`${info.verificationUri}\n`);
        process.stderr.write(`Waiting for you to approve the login (the code expires in ${minutes} minute${minutes === 1 ? '' : 's'})...\n`);
      },
      showAuthorizationUrl: (url) => {
        if (flags.browser) {
          process.stderr.write('Opening the authorization page in your browser; if it does not open, visit:\n');
          openBrowser(url.href);
        } else {
          process.stderr.write('Open this URL in a browser to log in:\n');
        }
        process.stderr.write(`${url.href}\n`);
      },
    });
    const expiry = status.session?.expiresAt ? `; it expires at ${status.session.expiresAt}` : '';
    process.stderr.write(`Logged in: the session of ${status.connector} (${status.connection}) is stored${expiry}.\n`);
  }
}
