// Credentials never leave the origin they were configured for: a redirect from the API (server A)
// to another port (server B) is followed without the scheme's headers (X-API-Key, SO-AppToken) or
// a header templated from a secret under `auth.apply: false`. Two real local servers.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, type TestContext } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server without declarations
import { startSuperofficeServer } from './servers/superoffice.js';

const KEY = 'redirect-test-api-key-0451';

/** Server A: answers every request with a redirect to the same path on `target`; records the headers. */
async function startRedirector(t: TestContext, target: () => string, status = 302) {
  const seen: Array<IncomingMessage['headers']> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.writeHead(status, { location: `${target()}${url.pathname}${url.search}` });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function startTarget(t: TestContext): Promise<EchoServer> {
  const server = await startEchoServer({ body: [{ id: 1 }] });
  t.onTestFinished(() => server.close());
  return server;
}

function manifest(name: string, auth: string, headers = ''): string {
  return `apiVersion: connectors/v1
name: ${name}
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth:
${auth}
base_url: "{{ config.base_url }}"
headers:
  Accept: application/json
${headers}
streams:
  - name: things
    path: /things
`;
}

/** Runs the connector against server A and returns B's recorded requests. */
async function runAgainst(t: TestContext, name: string, yaml: string) {
  const target = await startTarget(t);
  const redirector = await startRedirector(t, () => target.url);
  const { home, cleanup } = makeHome();
  t.onTestFinished(() => cleanup());
  const file = writeManifest(home, name, yaml);
  const result = await runChecked(['run', file, '--config', `base_url=${redirector.url}`], { env: cliEnv(home, name, { api_key: KEY }) }, [KEY]);
  return { result, target, redirector };
}

describe.concurrent('redirects to another origin', () => {
  it('an api_key in X-API-Key reaches A only; B answers without it', async (t) => {
    const { result, target, redirector } = await runAgainst(t, 'redir_header', manifest('redir_header', '  scheme: api_key\n  in: header\n  name: X-API-Key'));
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'things')).toEqual([{ id: 1 }]);
    expect(redirector.seen[0]!['x-api-key']).toBe(KEY);
    expect(target.state.requests).toHaveLength(1);
    expect(target.state.requests[0]!.headers['x-api-key']).toBeUndefined();
    expect(target.state.requests[0]!.headers.accept).toBe('application/json');
  });

  it('an api_key in the query reaches A only', async (t) => {
    const { result, target, redirector } = await runAgainst(t, 'redir_query', manifest('redir_query', '  scheme: api_key\n  in: query\n  name: key'));
    expect(result.code, result.stderr).toBe(0);
    expect(redirector.seen).toHaveLength(1);
    expect(target.state.requests[0]!.query).toEqual({});
  });

  it('a header templated from a secret under apply: false reaches A only', async (t) => {
    const yaml = manifest('redir_template', '  scheme: api_key\n  apply: false', '  x-token: "{{ secrets.api_key }}"');
    const { result, target, redirector } = await runAgainst(t, 'redir_template', yaml);
    expect(result.code, result.stderr).toBe(0);
    expect(redirector.seen[0]!['x-token']).toBe(KEY);
    expect(target.state.requests[0]!.headers['x-token']).toBeUndefined();
  });

  it('SuperOffice: the ticket and SO-AppToken reach A only', async (t) => {
    const so = await startSuperofficeServer({ counts: { Contact: 1 } });
    t.onTestFinished(() => so.close());
    const target = await startTarget(t);
    const redirector = await startRedirector(t, () => target.url);
    const { home, cleanup } = makeHome();
    t.onTestFinished(() => cleanup());
    const yaml = `apiVersion: connectors/v1
name: redir_so
config:
  type: object
  properties:
    login_url: {type: string, format: uri}
    api_url: {type: string, format: uri}
auth:
  scheme: superoffice
  login_url: "{{ config.login_url }}"
  system_user: true
streams:
  - name: things
    url: "{{ config.api_url }}/api/v1/Contact"
`;
    const file = writeManifest(home, 'redir_so', yaml);
    const secrets = {
      client_id: 'test-so-client',
      client_secret: 'test-so-app-token',
      rsa_private_key: so.partnerKeys.privateKeyPem,
      oauth_refresh_token: 'test-so-refresh-token',
    };
    const result = await runChecked(
      ['run', file, '--config', `login_url=${so.url}`, '--config', `api_url=${redirector.url}`],
      { env: cliEnv(home, 'redir_so', secrets) },
      Object.values(secrets),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(redirector.seen[0]!['so-apptoken']).toBe('test-so-app-token');
    expect(redirector.seen[0]!.authorization).toMatch(/^SOTicket /);
    const [request] = target.state.requests;
    expect(request!.headers['so-apptoken']).toBeUndefined();
    expect(request!.headers.authorization).toBeUndefined();
  });
});
