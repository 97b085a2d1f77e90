/**
 * oauth2 with `discovery: mcp` against an MCP server and its authorization server
 * (test/helpers/mcp-auth.ts: oidc-provider 9 with RFC 8414 metadata, open RFC 7591 registration,
 * RFC 8707 resource indicators; the MCP server publishes RFC 9728 metadata and accepts only tokens
 * issued for it): `auth login` discovers, registers a client once and stores it, runs the code
 * flow with PKCE and `resource`; `run` uses the session; a second login reuses the client; a
 * renewal refreshes at the kept token endpoint without discovering again. And the bad inputs: a
 * resource with no metadata, an authorization server without registration.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, findLeaks, makeHome, parseLines, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { startMcpAuth, type McpAuthServer } from './helpers/mcp-auth.js';
import { clockOffsetEnv } from './helpers/scheme-e2e.js';

let server: McpAuthServer | undefined;
let plain: Server | undefined;
let home: string;
let cleanup: () => void;

beforeEach(() => {
  ({ home, cleanup } = makeHome());
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  if (plain) {
    plain.closeAllConnections();
    await new Promise((resolve) => plain!.close(resolve));
    plain = undefined;
  }
  cleanup();
});

/** A connector for the MCP server at `resource`: its tools list as a stream. */
function mcpManifest(name: string, resource: string): string {
  return `apiVersion: connectors/v1
name: ${name}
config:
  type: object
  properties:
    mcp_url: {type: string, format: uri, default: ${JSON.stringify(resource)}}
auth:
  scheme: oauth2
  discovery: mcp
  resource: "{{ config.mcp_url }}"
base_url: "{{ config.mcp_url }}"
check: {path: /tools}
streams:
  - name: tools
    path: /tools
    records: tools
    primary_key: name
`;
}

/** `env` for a process whose clock reads `time` (ms) when it starts. */
const at = (env: Record<string, string>, time: number): Record<string, string> => ({ ...env, ...clockOffsetEnv(time - Date.now()) });

/** Starts `auth login --no-browser` and resolves with the authorization URL it prints on its own stderr line. */
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
      const line = stderr.split('\n').find((candidate) => /^https?:\/\/\S+$/.test(candidate) && candidate.includes('/auth?'));
      if (line) resolve(new URL(line));
    });
    child.on('close', () => reject(new Error(`auth login ended before printing a URL: ${stderr}`)));
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void done.then(() => clearTimeout(timer));
  return { url, done };
}

/** One `auth login` through the browser leg; returns the authorization URL and the finished command. */
async function logIn(mcp: McpAuthServer, file: string, env: Record<string, string>): Promise<{ url: URL; result: CliResult }> {
  const login = startLogin(file, env);
  const url = await login.url;
  const callback = await mcp.followAuthorization(url.href);
  expect(callback.searchParams.get('code')).toBeTruthy();
  expect((await fetch(callback)).status).toBe(200);
  return { url, result: await login.done };
}

function expectNoLeaks(results: CliResult[], secrets: string[]): void {
  for (const result of results) expect(findLeaks(result.stdout + result.stderr, secrets)).toEqual([]);
}

describe('discovery: mcp', () => {
  it('logs in with a client registered once, runs, reuses the client at the next login, and refreshes without rediscovery', async () => {
    const mcp = (server = await startMcpAuth());
    const file = writeManifest(home, 'mcp_demo', mcpManifest('mcp_demo', mcp.resource));
    const env = { CONNECTORS_HOME: home };

    const first = await logIn(mcp, file, env);
    expect(first.result.stderr).toContain('Registered a client at');
    expect(first.result.stderr).toContain('Logged in: the session of mcp_demo (default) is stored');
    expect(first.result.code).toBe(0);
    expect(first.url.origin).toBe(mcp.issuer);
    const params = first.url.searchParams;
    expect(params.get('resource')).toBe(mcp.resource);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')).toBe('mcp:tools'); // the MCP server's scopes_supported
    const clientId = params.get('client_id')!;
    expect(clientId).toBeTruthy();
    expect(mcp.state.registrations).toBe(1);
    expect(mcp.state.registeredRedirectUris).toEqual([[params.get('redirect_uri')]]);
    expect(mcp.state.tokenResources).toEqual([mcp.resource]);
    expect(mcp.state.resourceMetadataRequests).toBe(1);

    const listed = await runCli(['secrets', 'list', file, '--json'], { env });
    const entries = JSON.parse(listed.stdout) as Array<{ name: string; source: string; expiresAt?: string }>;
    expect(entries.find((entry) => entry.name === 'client_id')?.source).toBe('store');
    expect(entries.find((entry) => entry.name === 'oauth_refresh_token')?.source).toBe('session');

    const run = await runCli(['run', file], { env });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(parseLines(run.stdout).filter((line) => line.type === 'RECORD').map((line) => line.record)).toEqual([{ name: 'search' }, { name: 'fetch' }]);
    expect(mcp.state.tokenRequests).toBe(1); // the login's session, as is
    expect(mcp.state.accepted).toBe(1);

    // A second login: the stored client, on another loopback port, and no registration.
    const second = await logIn(mcp, file, env);
    expect(second.result.code).toBe(0);
    expect(second.result.stderr).not.toContain('Registered a client');
    expect(second.url.searchParams.get('client_id')).toBe(clientId);
    expect(mcp.state.registrations).toBe(1);
    expect(mcp.state.tokenRequests).toBe(2);

    // Within the renewal window: one refresh at the kept token endpoint, with resource; no discovery.
    const status = JSON.parse((await runCli(['secrets', 'list', file, '--json'], { env })).stdout) as Array<{ name: string; expiresAt?: string }>;
    const expiresAt = Date.parse(status.find((entry) => entry.name === 'oauth_access_token')!.expiresAt!);
    const renewed = await runCli(['run', file], { env: at(env, expiresAt - 30_000) });
    expect(renewed.stderr).not.toMatch(/Error/);
    expect(renewed.code).toBe(0);
    expect(parseLines(renewed.stdout).filter((line) => line.type === 'RECORD')).toHaveLength(2);
    expect(mcp.state.tokenRequests).toBe(3);
    expect(mcp.state.tokenResources).toEqual([mcp.resource, mcp.resource, mcp.resource]);
    expect(mcp.state.resourceMetadataRequests).toBe(2); // the two logins only
    expect(mcp.state.registrations).toBe(1);
    expect(mcp.state.accepted).toBe(2);

    expect(mcp.state.issued.length).toBeGreaterThanOrEqual(6); // codes, access and refresh tokens
    expectNoLeaks([first.result, listed, run, second.result, renewed], mcp.state.issued);
    // The client id is public (it is in the printed authorization URL), but run output redacts it like every secret.
    expectNoLeaks([run, renewed], [clientId]);
  });

  it('a resource that serves no metadata is one sentence naming the URL, exit 1', async () => {
    plain = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
    });
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const file = writeManifest(home, 'mcp_none', mcpManifest('mcp_none', `${origin}/mcp`));
    const result = await runCli(['auth', 'login', file, '--no-browser'], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: The MCP server ${origin}/mcp publishes no protected-resource metadata (RFC 9728): ${origin}/.well-known/oauth-protected-resource/mcp answered 404.\n`,
    );
  });

  it('an authorization server without registration and no client_id says what to set, exit 1', async () => {
    // The MCP server's metadata names an authorization server whose metadata has no registration endpoint.
    plain = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(plain!.address() as AddressInfo).port}`;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/.well-known/oauth-protected-resource/mcp') return send(200, { resource: `${origin}/mcp`, authorization_servers: [origin] });
      if (req.url === '/.well-known/oauth-authorization-server') {
        return send(200, { issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, code_challenge_methods_supported: ['S256'] });
      }
      return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer' });
    });
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const file = writeManifest(home, 'mcp_noreg', mcpManifest('mcp_noreg', `${origin}/mcp`));
    const result = await runCli(['auth', 'login', file, '--no-browser'], { env: { CONNECTORS_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: The authorization server ${origin} offers no dynamic client registration; register a client there and set it with \`connectors secrets set mcp_noreg client_id\`.\n`,
    );
    expect(result.stdout).toBe('');
  });
});
