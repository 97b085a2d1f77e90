/**
 * `connectors auth login --device`: the OAuth 2.0 device authorization grant (RFC 8628) against a
 * small device-flow server in this file. The server answers `authorization_pending` until the test
 * approves (or denies) the user code the CLI printed, as a user would on another device; then the
 * session is stored, `auth status` shows it, and `check`/`run` use it without a token request.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBin, findLeaks, makeHome, parseLines, repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { oauth2Manifest, secretEnvName, writeManifest } from './helpers/manifests.js';

const CLIENT_ID = 'device-client';
const CLIENT_SECRET = 'dev1ce-s3cret-Zq8';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  decision: 'pending' | 'approved' | 'denied';
}

interface DeviceServer {
  url: string;
  /** Every device code handed out, in order. */
  codes: DeviceCode[];
  /** Every token, device code and client secret the server knows of (for findLeaks). */
  secrets: string[];
  counters: { deviceRequests: number; polls: number; pending: number; tokenGrants: number; refreshGrants: number; apiRequests: number; unauthorized: number };
  /** The side channel of the user on another device: approve or deny a user code. */
  decide(userCode: string, decision: 'approved' | 'denied'): void;
  close(): Promise<void>;
}

function token(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return new URLSearchParams(body);
}

function startDeviceServer(): Promise<DeviceServer> {
  const codes: DeviceCode[] = [];
  const accessTokens = new Set<string>();
  const secrets = [CLIENT_SECRET];
  const counters = { deviceRequests: 0, polls: 0, pending: 0, tokenGrants: 0, refreshGrants: 0, apiRequests: 0, unauthorized: 0 };
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
  let url = '';
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  const issueTokens = (response: ServerResponse) => {
    const access = token('at');
    const refresh = token('rt');
    accessTokens.add(access);
    secrets.push(access, refresh);
    send(response, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'read' });
  };
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'POST' && (path === '/device' || path === '/token')) {
      const form = await readForm(request);
      if (request.headers.authorization !== basic) return send(response, 401, { error: 'invalid_client' });
      if (path === '/device') {
        counters.deviceRequests += 1;
        const code: DeviceCode = { deviceCode: token('dc'), userCode: `${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}`.toUpperCase(), decision: 'pending' };
        codes.push(code);
        secrets.push(code.deviceCode);
        return send(response, 200, {
          device_code: code.deviceCode,
          user_code: code.userCode,
          verification_uri: `${url}/activate`,
          verification_uri_complete: `${url}/activate?user_code=${code.userCode}`,
          expires_in: 60,
          interval: 1,
        });
      }
      if (form.get('grant_type') === 'refresh_token') {
        counters.refreshGrants += 1;
        return issueTokens(response);
      }
      if (form.get('grant_type') !== DEVICE_GRANT) return send(response, 400, { error: 'unsupported_grant_type' });
      counters.polls += 1;
      const code = codes.find((candidate) => candidate.deviceCode === form.get('device_code'));
      if (!code) return send(response, 400, { error: 'invalid_grant' });
      if (code.decision === 'denied') return send(response, 400, { error: 'access_denied', error_description: 'The user refused.' });
      if (code.decision === 'pending') {
        counters.pending += 1;
        return send(response, 400, { error: 'authorization_pending' });
      }
      counters.tokenGrants += 1;
      code.deviceCode = token('used'); // a device code yields tokens once
      return issueTokens(response);
    }
    if (request.method === 'GET' && (path === '/me' || path === '/items')) {
      counters.apiRequests += 1;
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!bearer || !accessTokens.has(bearer)) {
        counters.unauthorized += 1;
        return send(response, 401, { error: 'invalid_token' });
      }
      return send(response, 200, path === '/me' ? { id: 'alice' } : { data: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] });
    }
    send(response, 404, { error: 'not_found' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        codes,
        secrets,
        counters,
        decide(userCode, decision) {
          const code = codes.find((candidate) => candidate.userCode === userCode);
          if (!code) throw new Error(`unknown user code ${userCode}`);
          code.decision = decision;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

let server: DeviceServer | undefined;
let home: string;
let cleanup: () => void;

beforeEach(() => {
  ({ home, cleanup } = makeHome());
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  cleanup();
});

function envFor(connector: string): Record<string, string> {
  return {
    CONNECTORS_HOME: home,
    [secretEnvName(connector, 'client_id')]: CLIENT_ID,
    [secretEnvName(connector, 'client_secret')]: CLIENT_SECRET,
  };
}

/** A manifest whose device and token endpoints come from `config.base_url`. */
function deviceManifest(name: string, auth: Record<string, string | string[]> = {}): string {
  return writeManifest(
    home,
    name,
    oauth2Manifest(name, {
      grant_type: 'authorization_code',
      device_authorization_url: '{{ config.base_url }}/device',
      token_url: '{{ config.base_url }}/token',
      scopes: ['read'],
      ...auth,
    }),
  );
}

/**
 * Starts `auth login` and resolves `code` with the user code and `verification` with the URL line
 * once both are on stderr; `done` when the process ends.
 */
function startDeviceLogin(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cliBin, 'auth', 'login', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const shown = new Promise<{ userCode: string; verification: string }>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const userCode = /enter the code (\S+?):\n/.exec(stderr)?.[1];
      const verification = stderr.split('\n').find((line) => /^https?:\/\/\S+$/.test(line));
      if (userCode && verification) resolve({ userCode, verification });
    });
    child.on('close', () => reject(new Error(`auth login ended before showing a code: ${stderr}`)));
  });
  shown.catch(() => undefined);
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  void done.then(() => clearTimeout(timer));
  return { shown, done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('auth login --device', () => {
  it('shows the URL and code, polls while pending, stores the session that status, check and run use', async () => {
    const device = (server = await startDeviceServer());
    const file = deviceManifest('devflow', { authorize_url: '{{ config.base_url }}/authorize' });
    const env = envFor('devflow');
    const config = ['--config', `base_url=${device.url}`];

    const login = startDeviceLogin([file, '--device', '--no-browser', ...config], env);
    const { userCode, verification } = await login.shown;
    expect(verification).toBe(`${device.url}/activate`);
    expect(userCode).toBe(device.codes[0]!.userCode);
    await waitFor(() => device.counters.pending >= 1, 'a pending poll');
    device.decide(userCode, 'approved');
    const result = await login.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `Open this URL on any device and enter the code ${userCode}:`,
      `${device.url}/activate`,
      'Waiting for you to approve the login (the code expires in 1 minute)...',
      expect.stringMatching(/^Logged in: the session of devflow \(default\) is stored; it expires at \S+\.$/),
    ]);
    expect(device.counters).toMatchObject({ deviceRequests: 1, tokenGrants: 1, refreshGrants: 0 });
    expect(device.counters.polls).toBe(device.counters.pending + 1);

    const status = await runCli(['auth', 'status', file], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^devflow \(default\), scheme oauth2: session stored .*, expires \S+, holds oauth_access_token, oauth_client_id, oauth_client_secret, oauth_refresh_token\.\n$/,
    );

    const check = await runCli(['check', file, ...config], { env });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`^devflow \\(default\\): GET ${device.url}/me answered 200 in \\d+ ms\\.\\n$`));
    const run = await runCli(['run', file, ...config], { env });
    expect(run.code).toBe(0);
    expect(parseLines(run.stdout).filter((line) => line.type === 'RECORD').map((line) => line.record)).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    // The login's session was used as is: no refresh, no second device code, no 401.
    expect(device.counters).toMatchObject({ deviceRequests: 1, tokenGrants: 1, refreshGrants: 0, unauthorized: 0, apiRequests: 2 });
    for (const output of [result, status, check, run]) expect(findLeaks(output.stdout + output.stderr, device.secrets)).toEqual([]);
  });

  it('uses the device flow without --device when the manifest has no authorize_url, and opens no port', async () => {
    let result: CliResult;
    const device = (server = await startDeviceServer());
    const file = deviceManifest('devonly');
    // A port already taken: had a loopback listener been started, login would fail on it.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const login = startDeviceLogin([file, '--no-browser', '--port', port, '--config', `base_url=${device.url}`], envFor('devonly'));
      const { userCode } = await login.shown;
      device.decide(userCode, 'approved');
      result = await login.done;
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Logged in: the session of devonly (default) is stored');
    expect(device.counters.tokenGrants).toBe(1);
    expect(findLeaks(result.stdout + result.stderr, device.secrets)).toEqual([]);
  });

  it('a denied code exits 1 with one line and stores nothing', async () => {
    const device = (server = await startDeviceServer());
    const file = deviceManifest('devdeny');
    const env = envFor('devdeny');
    const login = startDeviceLogin([file, '--device', '--no-browser', '--config', `base_url=${device.url}`], env);
    const { userCode } = await login.shown;
    device.decide(userCode, 'denied');
    const result = await login.done;
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error:'));
    expect(errors).toEqual([
      'Error: The device login was denied at the provider (access_denied). Run `connectors auth login devdeny --device` again and approve the code.',
    ]);
    expect(result.stderr.endsWith(`${errors[0]}\n`)).toBe(true);
    expect(device.counters.tokenGrants).toBe(0);

    const status = await runCli(['auth', 'status', file], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toBe('devdeny (default), scheme oauth2: no stored session.\n');
    for (const output of [result, status]) expect(findLeaks(output.stdout + output.stderr, device.secrets)).toEqual([]);
  });

  it('--device on a manifest without a device endpoint is a usage error before any request', async () => {
    const device = (server = await startDeviceServer());
    const file = writeManifest(
      home,
      'nodevice',
      oauth2Manifest('nodevice', { grant_type: 'authorization_code', token_url: '{{ config.base_url }}/token', authorize_url: '{{ config.base_url }}/authorize' }),
    );
    const result = await runCli(['auth', 'login', file, '--device', '--no-browser', '--config', `base_url=${device.url}`], { env: envFor('nodevice') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Error: The oauth2 auth block of nodevice has no device_authorization_url, so it cannot use the device flow; run `connectors auth login nodevice` without --device.\n',
    );
    expect(device.counters).toMatchObject({ deviceRequests: 0, polls: 0 });
  });
});
