/**
 * No secret value, nor its base64 or URL-encoded forms, nor derived Basic credentials, reaches
 * stdout or stderr (DESIGN.md section 5, section 8 "Redaction"), with `DEBUG=connectors*` on,
 * through failing and succeeding flows against a hostile server that echoes what it receives
 * (Authorization headers, form bodies, query strings) into its error bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks, makeHome, runCli, type CliResult } from './helpers/cli.js';
import { secretEnvName, writeManifest } from './helpers/manifests.js';

type TokenMode = 'ok' | 'echo-client' | 'invalid-grant' | 'crash';
type DataMode = 'ok' | 'echo500' | 'echo400' | 'echo-key';

const CLIENT_ID = 'leak-client-id/Ü';
const CLIENT_SECRET = 'leak+client secret/=&%Q1';
const REFRESH_SEED = 'leak-refresh seed+/=R1';
const API_KEY = 'leak api/key+=&K1';
const USERNAME = 'leak.user@example.com';
const PASSWORD = 'leak pass:word/+=P1';

const state = {
  tokenMode: 'ok' as TokenMode,
  dataMode: 'ok' as DataMode,
  issued: [] as string[],
  refreshTokensSeen: [] as string[],
  tokenRequests: 0,
};
let url: string;
let close: () => Promise<void>;
let home: string;
let cleanupHome: () => void;
const outputs: CliResult[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

beforeAll(async () => {
  let counter = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const echo = `authorization=${req.headers.authorization ?? ''} cookie=${req.headers.cookie ?? ''} url=${req.url} body=${body}`;
      if (req.url === '/token') {
        state.tokenRequests += 1;
        const form = new URLSearchParams(body);
        if (form.get('refresh_token')) state.refreshTokensSeen.push(form.get('refresh_token')!);
        switch (state.tokenMode) {
          case 'echo-client':
            return send(res, 401, { error: 'invalid_client', error_description: `Client authentication failed: ${echo}` });
          case 'invalid-grant':
            return send(res, 400, { error: 'invalid_grant', error_description: `refresh token ${form.get('refresh_token')} is revoked (${echo})` });
          case 'crash':
            return send(res, 500, `Internal error while handling ${echo}`, 'text/plain');
          case 'ok': {
            counter += 1;
            const access = `leak-access-token-${counter}-${Math.random().toString(36).slice(2)}`;
            const refresh = `leak-rotated-refresh-${counter}-${Math.random().toString(36).slice(2)}`;
            state.issued.push(access, refresh);
            return send(res, 200, { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 3600 });
          }
        }
      }
      switch (state.dataMode) {
        case 'echo500':
          return send(res, 500, `Backend exploded on ${echo}`, 'text/plain');
        case 'echo400':
          return send(res, 400, { error: 'bad_request', message: `You sent ${echo}` });
        case 'echo-key':
          return send(res, 403, { message: `The API key ${String(req.headers['x-api-key'])} is not valid for this account.` });
        case 'ok':
          return send(res, 200, { data: [{ id: 1, name: 'ok' }] });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  ({ home, cleanup: cleanupHome } = makeHome());
});

afterAll(async () => {
  await close();
  cleanupHome();
});

beforeEach(() => {
  state.tokenMode = 'ok';
  state.dataMode = 'ok';
});

function manifest(name: string, auth: string): string {
  return writeManifest(home, name, `apiVersion: connectors/v1
name: ${name}
config: {type: object, properties: {base_url: {type: string}}}
auth:
${auth.trim().split('\n').map((line) => `  ${line.trim()}`).join('\n')}
base_url: "{{ config.base_url }}"
retry: {limit: 0}
check: {path: /data, params: {probe: "yes"}}
streams:
  - {name: things, path: /data, records: data, params: {q: "x"}}
`);
}

const debugEnv = (extra: Record<string, string>) => ({ CONNECTORS_HOME: home, DEBUG: 'connectors*', ...extra });

async function cli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const withConfig = args[0] === 'run' || args[0] === 'check' ? [...args, '--config', `base_url=${url}`] : args;
  const result = await runCli(withConfig, { env, input });
  outputs.push(result);
  return result;
}

/** Every value that must never be printed, with derived Basic credentials. */
function allSecrets(): string[] {
  const basic = (a: string, b: string) => Buffer.from(`${a}:${b}`).toString('base64');
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return [
    CLIENT_SECRET, REFRESH_SEED, API_KEY, PASSWORD, ...state.issued,
    form(CLIENT_SECRET), form(REFRESH_SEED), form(API_KEY), form(PASSWORD),
    basic(CLIENT_ID, CLIENT_SECRET), basic(form(CLIENT_ID), form(CLIENT_SECRET)), basic(USERNAME, PASSWORD),
  ];
}

function expectClean(result: CliResult): void {
  expect(findLeaks(result.stdout + result.stderr, allSecrets())).toEqual([]);
}

const oauthEnv = (name: string) => ({ [secretEnvName(name, 'client_id')]: CLIENT_ID, [secretEnvName(name, 'client_secret')]: CLIENT_SECRET });

describe('oauth2 token endpoint errors that echo the credentials', () => {
  it('wrong client (client_secret_basic): invalid_client reported, echoed Authorization redacted', async () => {
    state.tokenMode = 'echo-client';
    const file = manifest('leak_basic', `scheme: oauth2\ngrant_type: client_credentials\ntoken_url: "{{ config.base_url }}/token"`);
    const result = await cli(['check', file], debugEnv(oauthEnv('leak_basic')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*invalid_client/m);
    expect(result.stderr).toContain('***');
    expectClean(result);
  });

  it('wrong client (client_secret_post): the form-encoded secret echoed back is redacted', async () => {
    state.tokenMode = 'echo-client';
    const file = manifest('leak_post', `scheme: oauth2\ngrant_type: client_credentials\nclient_auth: client_secret_post\ntoken_url: "{{ config.base_url }}/token"`);
    const result = await cli(['check', file], debugEnv(oauthEnv('leak_post')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_client/);
    expectClean(result);
  });

  it('invalid_grant echoing the refresh token: redacted, stored refresh token kept, the hint says what to do', async () => {
    const file = manifest('leak_grant', `scheme: oauth2\ngrant_type: authorization_code\ntoken_url: "{{ config.base_url }}/token"`);
    const env = debugEnv(oauthEnv('leak_grant'));
    const set = await cli(['secrets', 'set', file, 'oauth_refresh_token'], env, `${REFRESH_SEED}\n`);
    expect(set.code).toBe(0);
    state.tokenMode = 'invalid-grant';
    const failed = await cli(['check', file], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^Error: .*invalid_grant.*connectors (secrets set|auth login)/m);
    expectClean(failed);
    const run = await cli(['run', file], env);
    expect(run.code).toBe(1);
    expectClean(run);
    // The failed renewals did not overwrite the stored refresh token: it is sent again and works.
    state.tokenMode = 'ok';
    const ok = await cli(['run', file], env);
    expect(ok.code).toBe(0);
    expect(state.refreshTokensSeen.at(-1)).toBe(REFRESH_SEED);
    expect(new Set(state.refreshTokensSeen)).toEqual(new Set([REFRESH_SEED]));
    expectClean(ok);
    const list = await cli(['secrets', 'list', file, '--json'], env);
    expectClean(list);
    const status = await cli(['auth', 'status', file, '--json'], env);
    expect(JSON.parse(status.stdout).session.secrets).toContain('oauth_refresh_token');
    expectClean(status);
  });

  it('a 500 from the token endpoint echoing the request body and header', async () => {
    state.tokenMode = 'crash';
    const file = manifest('leak_crash', `scheme: oauth2\ngrant_type: client_credentials\nclient_auth: client_secret_post\ntoken_url: "{{ config.base_url }}/token"`);
    const result = await cli(['check', file], debugEnv(oauthEnv('leak_crash')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*500/m);
    expectClean(result);
  });
});

describe('resource errors that echo the credentials', () => {
  it('oauth2: a 500 body echoing the Bearer token, in run and check', async () => {
    const file = manifest('leak_bearer', `scheme: oauth2\ngrant_type: client_credentials\ntoken_url: "{{ config.base_url }}/token"`);
    const env = debugEnv(oauthEnv('leak_bearer'));
    state.dataMode = 'echo500';
    const run = await cli(['run', file], env);
    expect(run.code).toBe(1);
    expect(state.issued.length).toBeGreaterThan(0);
    expectClean(run);
    const check = await cli(['check', file], env);
    expect(check.code).toBe(1);
    expectClean(check);
  });

  it('api_key in the query: URLs in debug lines and errors carry no key', async () => {
    const file = manifest('leak_query', `scheme: api_key\nin: query\nname: key`);
    const env = debugEnv({ [secretEnvName('leak_query', 'api_key')]: API_KEY });
    const okRun = await cli(['run', file], env);
    expect(okRun.code).toBe(0);
    expect(okRun.stderr).toMatch(/connectors: GET .*\/data/); // debug lines were written, URL included
    expectClean(okRun);
    state.dataMode = 'echo400';
    const badRun = await cli(['run', file], env);
    expect(badRun.code).toBe(1);
    expectClean(badRun);
    state.dataMode = 'echo500';
    const badCheck = await cli(['check', file], env);
    expect(badCheck.code).toBe(1);
    expectClean(badCheck);
  });

  it('api_key in a cookie and basic credentials echoed in 400 bodies', async () => {
    state.dataMode = 'echo400';
    const cookie = manifest('leak_cookie', `scheme: api_key\nin: cookie\nname: session`);
    const cookieRun = await cli(['run', cookie], debugEnv({ [secretEnvName('leak_cookie', 'api_key')]: API_KEY }));
    expect(cookieRun.code).toBe(1);
    expectClean(cookieRun);
    const basic = manifest('leak_userpass', `scheme: basic`);
    const basicEnv = debugEnv({ [secretEnvName('leak_userpass', 'username')]: USERNAME, [secretEnvName('leak_userpass', 'password')]: PASSWORD });
    const basicRun = await cli(['run', basic], basicEnv);
    expect(basicRun.code).toBe(1);
    expectClean(basicRun);
    state.dataMode = 'ok';
    const basicOk = await cli(['check', basic], basicEnv);
    expect(basicOk.code).toBe(0);
    expectClean(basicOk);
  });
});

// Issue 9: the error body summary was collapsed and cut to 200 characters before it was redacted.
describe('long and odd secrets echoed in error bodies', () => {
  /** Every window of 12 characters of `secret` that the output holds. */
  const leakedWindows = (output: string, secret: string) => {
    const found: string[] = [];
    for (let start = 0; start + 12 <= secret.length; start += 1) if (output.includes(secret.slice(start, start + 12))) found.push(secret.slice(start, start + 12));
    return found;
  };

  const longKey = `Lk9${'vQ4zR'.repeat(60)}#Z`;
  const spacedKey = 'Sp4ce  d  key--with  two  spaces';
  for (const [what, key] of [['a 305-character key', longKey], ['a key with runs of two spaces', spacedKey]] as const) {
    it(`${what}: no part of it in the one-line error`, async () => {
      state.dataMode = 'echo-key';
      const file = manifest(`leak_${key.length}`, 'scheme: api_key');
      const result = await cli(['run', file], { CONNECTORS_HOME: home, [secretEnvName(`leak_${key.length}`, 'api_key')]: key });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: .*status 403: The API key \*\*\* is not valid for this account\.$/m);
      expect(leakedWindows(result.stdout + result.stderr, key)).toEqual([]);
      expect(leakedWindows(result.stdout + result.stderr, key.replace(/\s+/g, ' '))).toEqual([]);
    });
  }
});

describe('succeeding flows', () => {
  it('oauth2 client_credentials run and check with debug output', async () => {
    const file = manifest('leak_ok', `scheme: oauth2\ngrant_type: client_credentials\ntoken_url: "{{ config.base_url }}/token"`);
    const env = debugEnv(oauthEnv('leak_ok'));
    const run = await cli(['run', file], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"type":"RECORD"');
    expectClean(run);
    const check = await cli(['check', file, '--json'], env);
    expect(check.code).toBe(0);
    expectClean(check);
  });

  it('DEBUG=* does not print a --value secret through oclif\'s own debug output', async () => {
    const file = manifest('leak_value', `scheme: api_key`);
    const set = await cli(['secrets', 'set', file, 'api_key', '--value', API_KEY], { CONNECTORS_HOME: home, DEBUG: '*' });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('Stored api_key');
    expectClean(set);
  });

  it('no output of any run in this file held a secret', () => {
    expect(outputs.length).toBeGreaterThan(15);
    for (const result of outputs) expectClean(result);
  });
});
