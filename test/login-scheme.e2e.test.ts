/**
 * The login scheme end to end (DESIGN.md section 12): the built CLI logs in with a templated
 * request against a local server that behaves as a two-step-login provider does, sends the token
 * as `apply` says, refreshes near expiry, logs in again when the refresh is refused, and never
 * prints a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome } from './helpers/cli.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server without declarations
import { startTwoStepLoginServer } from './servers/two-step-login.js';

const USERNAME = 'ada@example.test';
const PASSWORD = 'pw-Zq81-xyzzy-login';

type Server = Awaited<ReturnType<typeof startTwoStepLoginServer>>;
let server: Server;
let home: string;
let cleanup: () => void;
let dir: string;

beforeEach(() => {
  ({ home, cleanup } = makeHome());
  dir = mkdtempSync(join(tmpdir(), 'connectors-login-'));
});
afterEach(async () => {
  await server?.close();
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function writeManifest(auth: string[]): string {
  const file = join(dir, 'connector.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: connectors/v1',
      'name: agencyzoom',
      'config: {type: object, properties: {base_url: {type: string}}, required: [base_url]}',
      'secrets:',
      '  - {name: username, description: The account e-mail}',
      '  - {name: password, description: The account password}',
      'auth:',
      '  scheme: login',
      ...auth.map((line) => `  ${line}`),
      'base_url: "{{ config.base_url }}"',
      'streams:',
      '  - name: contacts',
      '    path: /v1/api/contacts',
      '    records: contacts',
      '    pagination: {type: page, page_param: page, start_page: 1, page_size: 2}',
      '',
    ].join('\n'),
  );
  return file;
}

const JSON_LOGIN = [
  'request:',
  '  url: "{{ config.base_url }}/v1/api/auth/login"',
  '  json: {username: "{{ secrets.username }}", password: "{{ secrets.password }}"}',
  'response: {token: jwt, expires_in: expires_in, refresh_token: refresh_token}',
  'refresh:',
  '  request: {url: "{{ config.base_url }}/v1/api/auth/refresh", form: {refresh_token: "{{ session.refresh_token }}"}}',
];

const issued = () => [...server.state.tokens, ...server.state.refreshTokens];
const env = (password = PASSWORD, clockOffsetMs = 0) => cliEnv(home, 'agencyzoom', { username: USERNAME, password }, clockOffsetMs);

async function run(file: string, options: { password?: string; clockOffsetMs?: number } = {}) {
  const result = await runChecked(['run', file, '--config', `base_url=${server.url}`], { env: env(options.password, options.clockOffsetMs) }, [PASSWORD]);
  // Tokens issued during the run must not show either.
  expect(findLeaks(result.stdout + result.stderr, issued())).toEqual([]);
  return result;
}

describe('login scheme end to end', () => {
  it('logs in with a JSON body, pages with the Bearer token, and a second run reuses the session', async () => {
    server = await startTwoStepLoginServer({ username: USERNAME, password: PASSWORD });
    const file = writeManifest(JSON_LOGIN);
    const first = await run(file);
    expect(first.code, first.stderr).toBe(0);
    expect(recordsOf(first.stdout, 'contacts').map((r) => r.id)).toEqual([1, 2, 3]);
    const second = await run(file);
    expect(second.code, second.stderr).toBe(0);
    expect(server.state.logins).toBe(1);
    expect(server.state.refreshes).toBe(0);
  });

  it('refreshes near expiry with the refresh token, and logs in again when the refresh is refused', async () => {
    server = await startTwoStepLoginServer({ username: USERNAME, password: PASSWORD, lifetime: 600 });
    const file = writeManifest(JSON_LOGIN);
    expect((await run(file)).code).toBe(0);
    // 570 s later the 600 s token is inside its 60 s renewal window.
    const later = await run(file, { clockOffsetMs: 570_000 });
    expect(later.code, later.stderr).toBe(0);
    expect(server.state.logins).toBe(1);
    expect(server.state.refreshes).toBe(1);

    await server.close();
    server = await startTwoStepLoginServer({ username: USERNAME, password: PASSWORD, lifetime: 600, refuseRefresh: true });
    const refused = await run(file, { clockOffsetMs: 1_140_000 });
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toMatch(/The refresh at http:\/\/127\.0\.0\.1:\d+\/v1\/api\/auth\/refresh was refused \(status 400: refresh token expired\)\. Logging in again\./);
    expect(server.state.logins).toBe(1);
    expect(recordsOf(refused.stdout, 'contacts')).toHaveLength(3);
  });

  it('logs in with GET, reads the token from a header and sends it as apply says, with a value of the answer', async () => {
    server = await startTwoStepLoginServer({ username: USERNAME, password: PASSWORD });
    const file = writeManifest([
      'request:',
      '  method: GET',
      '  url: "{{ config.base_url }}/session"',
      '  query: {user: "{{ secrets.username }}", pass: "{{ secrets.password }}"}',
      'response: {token: headers.x-auth-token, values: {account: account.id}}',
      'apply:',
      '  headers: {X-Session-Token: "{{ session.token }}"}',
      '  query: {account: "{{ auth.account }}"}',
    ]);
    const result = await run(file);
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'contacts')).toHaveLength(3);
  });

  it('a refused login is one sentence with the provider message, exit 1, no secret', async () => {
    server = await startTwoStepLoginServer({ username: USERNAME, password: PASSWORD });
    const file = writeManifest(JSON_LOGIN);
    const wrong = 'pw-wrong-Kq93-secret';
    const result = await runChecked(['run', file, '--config', `base_url=${server.url}`], { env: env(wrong) }, [wrong, PASSWORD]);
    const error = expectOneLineError(result);
    expect(error).toMatch(/^Error: The login at http:\/\/127\.0\.0\.1:\d+\/v1\/api\/auth\/login was refused \(status 401: Invalid username or password\); check the secrets it sends \(connectors secrets list agencyzoom\)\./);
  });
});
