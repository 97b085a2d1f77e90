/**
 * The oauth2 options of DESIGN.md section 12 through the built CLI, against local servers that
 * answer as the providers document (test/servers/oauth2-providers.js): Slack's user token under
 * `authed_user`, Salesforce's `instance_url` as `base_url`, Zoom's `account_credentials` grant,
 * a JSON token request with templated `token_headers`, Google's service account JWT bearer grant
 * with a delegated `subject` (verified against the key's public key), and Entra ID's federated
 * client assertion read from a file that changes between renewals. Every run is scanned for the
 * secrets.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, makeHome, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, clockOffsetEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
import { startEntraServer, startGoogleServer, startJsonTokenServer, startSalesforceServers, startSlackServer, startZoomServer } from './servers/oauth2-providers.js';

let home: string;
let cleanup: () => void;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  ({ home, cleanup } = makeHome());
});

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  cleanup();
});

/** A server closed after the test. */
async function started<T extends { close: () => Promise<void> }>(server: Promise<T>): Promise<T> {
  const running = await server;
  closers.push(running.close);
  return running;
}

/** A manifest with the given auth lines (already indented YAML), base_url, and one `items` stream. */
function manifest(name: string, parts: { auth: string; baseUrl: string; config?: string; secrets?: string }): string {
  return `apiVersion: connectors/v1
name: ${name}
config:
  type: object
  properties:
    api_url: {type: string}
${parts.config ?? ''}
${parts.secrets ?? ''}
auth:
  scheme: oauth2
${parts.auth}
base_url: ${JSON.stringify(parts.baseUrl)}
check: {path: /me}
streams:
  - name: items
    path: /items
    records: data
    primary_key: id
`;
}

/** Starts `auth login`, resolves with the authorization URL it prints, and with its result when it ends. */
function startLogin(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [cliBin, 'auth', 'login', file, '--no-browser', '--port', '0'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const url = new Promise<URL>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const line = stderr.split('\n').find((candidate) => /^https?:\/\/\S+\/authorize\?\S+$/.test(candidate));
      if (line) resolve(new URL(line));
    });
    child.on('close', () => reject(new Error(`auth login ended before printing a URL: ${stderr}`)));
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  void done.then(() => clearTimeout(timer));
  return { url, done };
}

describe("Slack: the user token under authed_user", () => {
  it('logs in with user_scope and a comma-joined scope, keeps the user token (not the bot token) and uses it', async () => {
    const slack = await started(startSlackServer());
    const file = writeManifest(home, 'slack_user', manifest('slack_user', {
      auth: [
        `  token_url: ${JSON.stringify(slack.tokenUrl)}`,
        `  authorize_url: ${JSON.stringify(slack.authorizeUrl)}`,
        '  client_auth: client_secret_post',
        '  pkce: false',
        '  scopes: [commands, chat:write]',
        '  scope_separator: ","',
        '  authorization_params: {user_scope: "channels:read,users:read"}',
        '  token_response: {access_token: authed_user.access_token, token_type: authed_user.token_type}',
        '  token_values: {user_id: authed_user.id, team_id: team.id}',
      ].join('\n'),
      baseUrl: slack.apiUrl,
    }));
    const env = cliEnv(home, 'slack_user', { client_id: slack.clientId, client_secret: slack.clientSecret });
    const login = startLogin(file, env);
    const url = await login.url;
    expect(url.searchParams.get('scope')).toBe('commands,chat:write');
    expect(url.searchParams.get('user_scope')).toBe('channels:read,users:read');
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect((await fetch(redirect.headers.get('location')!)).status).toBe(200);
    const result = await login.done;
    expect(result.stderr).toContain('Logged in');
    expect(result.code).toBe(0);
    expect(slack.state.tokenBodies[0]).toMatchObject({ grant_type: 'authorization_code', client_id: slack.clientId });

    const secrets = [slack.clientSecret, ...slack.state.issued];
    const run = await runChecked(['run', file], { env }, secrets);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items')).toEqual([{ id: 1, token_kind: 'xoxp' }, { id: 2, token_kind: 'xoxp' }]);
    expect(slack.state.unauthorized).toBe(0);
    expect(slack.state.tokenRequests).toBe(1);
  });

  it("a Slack error answer (200 with ok: false) is one error line, without the secret", async () => {
    const slack = await started(startSlackServer());
    const file = writeManifest(home, 'slack_bad', manifest('slack_bad', {
      auth: [`  token_url: ${JSON.stringify(slack.tokenUrl)}`, `  authorize_url: ${JSON.stringify(slack.authorizeUrl)}`, '  token_response: {access_token: authed_user.access_token}'].join('\n'),
      baseUrl: slack.apiUrl,
    }));
    const env = cliEnv(home, 'slack_bad', { client_id: slack.clientId, client_secret: 'wrong-secret-value' });
    const login = startLogin(file, env);
    const redirect = await fetch(await login.url, { redirect: 'manual' });
    await fetch(redirect.headers.get('location')!);
    const result = await login.done;
    expect(expectOneLineError(result)).toMatch(/invalid_client_id/);
    expect(result.stdout + result.stderr).not.toContain('wrong-secret-value');
  });
});

describe('Salesforce: instance_url from the token answer as base_url', () => {
  it('check and run reach the instance the token server names, with token_lifetime as the expiry', async () => {
    const sf = await started(startSalesforceServers());
    const file = writeManifest(home, 'sf', manifest('sf', {
      auth: [
        `  token_url: ${JSON.stringify(sf.tokenUrl)}`,
        '  grant_type: client_credentials',
        '  token_lifetime: 7200',
        '  token_values: {instance_url: instance_url}',
      ].join('\n'),
      baseUrl: '{{ auth.instance_url }}/services/data/v60.0',
    }));
    const env = cliEnv(home, 'sf', { client_id: sf.clientId, client_secret: sf.clientSecret });
    const secrets = [sf.clientSecret];
    const check = await runChecked(['check', file], { env }, secrets);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`GET ${sf.apiUrl}/services/data/v60.0/me answered 200`);

    const run = await runChecked(['run', file], { env }, [...secrets, ...sf.state.issued]);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items').map((record) => record.id)).toEqual([1, 2]);
    expect(sf.state.tokenRequests).toBe(1); // the second process reused the stored session and its instance_url

    const list = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; expiresAt?: string }>;
    const expiresAt = Date.parse(list.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
    expect(expiresAt - Date.now()).toBeGreaterThan(7000_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(7200_000);
  });
});

describe("Zoom: the account_credentials grant", () => {
  it('sends grant_type account_credentials with account_id from config and a raw Basic header', async () => {
    const zoom = await started(startZoomServer());
    const file = writeManifest(home, 'zoom', manifest('zoom', {
      config: '    account_id: {type: string}',
      auth: [
        `  token_url: ${JSON.stringify(zoom.tokenUrl)}`,
        '  grant_type: account_credentials',
        '  basic_encoding: raw',
        '  token_params: {account_id: "{{ config.account_id }}"}',
      ].join('\n'),
      baseUrl: zoom.apiUrl,
    }));
    const env = cliEnv(home, 'zoom', { client_id: zoom.clientId, client_secret: zoom.clientSecret });
    const run = await runChecked(['run', file, '--config', `account_id=${zoom.accountId}`], { env }, [zoom.clientSecret]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items')).toHaveLength(2);
    expect(zoom.state.tokenBodies).toEqual([{ grant_type: 'account_credentials', account_id: zoom.accountId }]);
  });

  it('the default form-encoded Basic header fails against Zoom, as one error line', async () => {
    const zoom = await started(startZoomServer());
    const file = writeManifest(home, 'zoom_form', manifest('zoom_form', {
      config: '    account_id: {type: string}',
      auth: [`  token_url: ${JSON.stringify(zoom.tokenUrl)}`, '  grant_type: account_credentials', '  token_params: {account_id: "{{ config.account_id }}"}'].join('\n'),
      baseUrl: zoom.apiUrl,
    }));
    const env = cliEnv(home, 'zoom_form', { client_id: zoom.clientId, client_secret: zoom.clientSecret });
    const result = await runChecked(['check', file, '--config', `account_id=${zoom.accountId}`], { env }, [zoom.clientSecret]);
    expect(expectOneLineError(result)).toMatch(/invalid_client/);
  });
});

describe('a JSON token request with token_headers', () => {
  it('sends JSON with the API key secret and the version from config, reads data.token in ms', async () => {
    const server = await started(startJsonTokenServer());
    const file = writeManifest(home, 'jsontok', manifest('jsontok', {
      config: '    api_version: {type: string, default: "2024-01-01"}',
      secrets: 'secrets:\n  - name: api_key\n    description: The API key the token endpoint wants.',
      auth: [
        `  token_url: ${JSON.stringify(server.tokenUrl)}`,
        '  grant_type: client_credentials',
        '  client_auth: client_secret_post',
        '  token_request_format: json',
        '  token_headers: {X-Api-Key: "{{ secrets.api_key }}", X-Api-Version: "{{ config.api_version }}"}',
        '  token_response: {access_token: data.token, expires_in: data.expires_in}',
        '  expires_in_unit: ms',
      ].join('\n'),
      baseUrl: server.apiUrl,
    }));
    const env = cliEnv(home, 'jsontok', { client_id: server.clientId, client_secret: server.clientSecret, api_key: server.apiKey });
    const secrets = [server.clientSecret, server.apiKey];
    const check = await runChecked(['check', file], { env }, secrets);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(server.state.tokenBodies).toEqual([{ grant_type: 'client_credentials', client_id: server.clientId, client_secret: server.clientSecret }]);
    const list = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; expiresAt?: string }>;
    const lifetime = Date.parse(list.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(3000_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
  });

  it('without the api_key secret: one error line naming it, before any token request', async () => {
    const server = await started(startJsonTokenServer());
    const file = writeManifest(home, 'jsontok2', manifest('jsontok2', {
      secrets: 'secrets:\n  - name: api_key',
      auth: [`  token_url: ${JSON.stringify(server.tokenUrl)}`, '  grant_type: client_credentials', '  token_request_format: json', '  token_headers: {X-Api-Key: "{{ secrets.api_key }}"}'].join('\n'),
      baseUrl: server.apiUrl,
    }));
    const env = cliEnv(home, 'jsontok2', { client_id: server.clientId, client_secret: server.clientSecret });
    const result = await runChecked(['check', file], { env }, [server.clientSecret]);
    expect(expectOneLineError(result)).toMatch(/api_key/);
    expect(server.state.tokenRequests).toBe(0);
  });
});

describe('Google: jwt_bearer with a service account key and subject', () => {
  it('impersonates the subject; the token endpoint comes from the key file', async () => {
    const google = await started(startGoogleServer());
    const file = writeManifest(home, 'gws', manifest('gws', {
      config: '    user: {type: string}',
      auth: ['  grant_type: jwt_bearer', '  subject: "{{ config.user }}"', '  scopes: ["https://www.googleapis.com/auth/admin.directory.user.readonly"]'].join('\n'),
      baseUrl: google.apiUrl,
    }));
    const env = cliEnv(home, 'gws', { service_account_json: JSON.stringify(google.keyFile) });
    const secrets = [google.keyFile.private_key.split('\n')[1]!];
    const run = await runChecked(['run', file, '--config', 'user=admin@example.com'], { env }, secrets);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items')).toHaveLength(2);
    expect(google.state.subjects).toEqual(['admin@example.com']);
    expect(findLeaksOf(run, google.state.issued)).toEqual([]);
  });

  it('a subject the domain did not delegate is refused: one error line', async () => {
    const google = await started(startGoogleServer());
    const file = writeManifest(home, 'gws2', manifest('gws2', {
      auth: ['  grant_type: jwt_bearer', '  subject: intruder@example.com', '  scopes: [openid]'].join('\n'),
      baseUrl: google.apiUrl,
    }));
    const env = cliEnv(home, 'gws2', { service_account_json: JSON.stringify(google.keyFile) });
    const result = await runChecked(['check', file], { env }, [google.keyFile.private_key.split('\n')[1]!]);
    expect(expectOneLineError(result)).toMatch(/unauthorized_client/);
    expect(google.state.subjects).toEqual(['intruder@example.com']);
  });
});

describe('Entra ID: a federated client assertion from a file', () => {
  it('reads the file at every token request: the renewal sends what the platform wrote since', async () => {
    const entra = await started(startEntraServer());
    const tokenFile = join(home, 'azure-identity-token');
    const file = writeManifest(home, 'entra', manifest('entra', {
      config: '    token_file: {type: string}',
      auth: [
        `  token_url: ${JSON.stringify(entra.tokenUrl)}`,
        '  grant_type: client_credentials',
        '  scopes: ["https://graph.microsoft.com/.default"]',
        '  client_assertion: {file: "{{ config.token_file }}"}',
      ].join('\n'),
      baseUrl: entra.apiUrl,
    }));
    const env = cliEnv(home, 'entra', { client_id: entra.clientId });
    const args = ['check', file, '--config', `token_file=${tokenFile}`];
    writeFileSync(tokenFile, 'federated-one.jwt\n');
    entra.state.currentAssertion = 'federated-one.jwt';
    const first = await runChecked(args, { env }, ['federated-one.jwt']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);

    // The platform rotates the file; a process an hour later (past expiry) renews with the new one.
    writeFileSync(tokenFile, 'federated-two.jwt');
    entra.state.currentAssertion = 'federated-two.jwt';
    const later = await runChecked(args, { env: { ...env, ...clockOffsetEnv(3_700_000) } }, ['federated-one.jwt', 'federated-two.jwt']);
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    expect(entra.state.assertions).toEqual(['federated-one.jwt', 'federated-two.jwt']);
    expect(entra.state.tokenBodies[1]).toMatchObject({ client_id: entra.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
  });

  it('a missing assertion file is one error line, and no token request is made', async () => {
    const entra = await started(startEntraServer());
    const missing = join(home, 'no-such-token');
    const file = writeManifest(home, 'entra2', manifest('entra2', {
      auth: [`  token_url: ${JSON.stringify(entra.tokenUrl)}`, '  grant_type: client_credentials', `  client_assertion: {file: ${JSON.stringify(missing)}}`].join('\n'),
      baseUrl: entra.apiUrl,
    }));
    const result = await runCli(['check', file], { env: cliEnv(home, 'entra2', { client_id: entra.clientId }) });
    expect(expectOneLineError(result)).toBe(`Error: The client_assertion file ${missing} of entra2 does not exist.`);
    expect(entra.state.tokenRequests).toBe(0);
  });
});

function findLeaksOf(result: CliResult, secrets: string[]): string[] {
  return secrets.filter((secret) => (result.stdout + result.stderr).includes(secret));
}

describe('validate', () => {
  it('a bad token_response path is one file:line:col problem', async () => {
    const file = writeManifest(home, 'badpath', manifest('badpath', {
      auth: ['  token_url: "http://127.0.0.1:9/token"', '  token_response: {access_token: "authed_user..access_token"}'].join('\n'),
      baseUrl: 'http://127.0.0.1:9',
    }));
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/connector\.yaml:\d+:\d+: auth\.token_response\.access_token: the dot path "authed_user\.\.access_token" does not parse/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
