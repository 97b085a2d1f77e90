/**
 * Mutual TLS for oauth2 (RFC 8705, DESIGN.md section 12: `tls_client_certificate: true`) through
 * the built CLI. A throwaway CA, server and client certificate come from the `openssl` CLI
 * (`createTestPki`); one https server requires a client certificate from that CA on every
 * connection (`requestCert`, `rejectUnauthorized`) and serves a client_credentials token endpoint
 * and an API. It binds each token to the certificate it was issued to (RFC 8705 3: the API refuses
 * the token over a connection with another certificate), so a run that lists records presented the
 * certificate on the token request and on the API requests. The CLI trusts the test CA through
 * NODE_EXTRA_CA_CERTS. Every run is scanned for the key material and the tokens.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { createTestPki, type TestPki } from '@connectors/core/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { findLeaks, makeHome, runCli } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
import { addCaller, callServe, startServe } from './helpers/serve.js';

const CLIENT_ID = 'mtls-client';
const CLIENT_SECRET = 'mtls-client-secret-4f1d9c';

interface Seen {
  /** The client certificate's CN, or null when the request came with none (never here: the handshake fails first). */
  subject: string | null;
  path: string;
  body?: Record<string, string>;
  authorization?: string;
}

interface MtlsServer {
  url: string;
  seen: Seen[];
  issued: string[];
  close(): Promise<void>;
}

/** Reads a form body. */
async function readForm(request: import('node:http').IncomingMessage): Promise<Record<string, string>> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * The provider: `POST /token` (client_credentials; the client authenticates with a Basic header,
 * with client_secret_post, or by its certificate alone for tls_client_auth when it sends only
 * client_id) and `GET /api/items`, both only over a connection whose client certificate the CA issued.
 */
async function startMtlsServer(pki: TestPki, expectedSubject: string): Promise<MtlsServer> {
  const seen: Seen[] = [];
  const issued: string[] = [];
  /** access token -> SHA-256 fingerprint of the certificate it is bound to (RFC 8705 3.1, x5t#S256). */
  const boundTo = new Map<string, string>();
  const server: Server = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, (request, response) => {
    void (async () => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      const subject = typeof peer.subject?.CN === 'string' ? peer.subject.CN : null;
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const path = (request.url ?? '/').split('?')[0]!;
      if (request.method === 'POST' && path === '/token') {
        const body = await readForm(request);
        seen.push({ subject, path, body, ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
        if (body.grant_type !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
        const basic = request.headers.authorization?.startsWith('Basic ')
          ? Buffer.from(request.headers.authorization.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent)
          : undefined;
        const [id, secret] = basic ?? [body.client_id, body.client_secret];
        const byCertificate = !basic && secret === undefined;
        if (id !== CLIENT_ID) return send(401, { error: 'invalid_client', error_description: 'unknown client' });
        if (byCertificate ? subject !== expectedSubject : secret !== CLIENT_SECRET) return send(401, { error: 'invalid_client', error_description: 'client authentication failed' });
        const token = `at-${randomBytes(12).toString('hex')}`;
        issued.push(token);
        boundTo.set(token, peer.fingerprint256);
        return send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      seen.push({ subject, path });
      const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!boundTo.has(token)) return send(401, { error: 'invalid_token' });
      if (boundTo.get(token) !== peer.fingerprint256) return send(401, { error: 'invalid_token', error_description: 'token bound to another certificate' });
      if (path === '/api/items') return send(200, { data: [{ id: 1, name: 'first' }, { id: 2, name: 'second' }] });
      return send(404, { error: 'not_found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    issued,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let pki: TestPki;
let untrusted: TestPki;
let server: MtlsServer;
let home: string;
let cleanup: () => void;

beforeAll(async () => {
  pki = createTestPki();
  untrusted = createTestPki('untrusted');
  server = await startMtlsServer(pki, 'connectors test client');
});

afterAll(async () => {
  await server?.close();
  pki?.cleanup();
  untrusted?.cleanup();
});

beforeEach(() => {
  ({ home, cleanup } = makeHome());
  server.seen.length = 0;
});

afterEach(() => cleanup());

function manifest(name: string, auth: string[], top: string[] = []): string {
  return `apiVersion: connectors/v1
name: ${name}
${top.join('\n')}
auth:
  scheme: oauth2
  grant_type: client_credentials
  token_url: ${JSON.stringify(`${server.url}/token`)}
${auth.map((line) => `  ${line}`).join('\n')}
base_url: ${JSON.stringify(`${server.url}/api`)}
streams:
  - name: items
    path: /items
    records: data
    primary_key: id
`;
}

/** The env of a CLI process that trusts the test CA (as a user adds a private CA). */
function env(connector: string, secrets: Record<string, string>): Record<string, string> {
  return { ...cliEnv(home, connector, secrets), NODE_EXTRA_CA_CERTS: pki.caFile };
}

/** Everything a run must never print: the client secret, the keys (whole and line by line), the tokens. */
function secretValues(): string[] {
  const keyLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [CLIENT_SECRET, pki.client.key, ...keyLines(pki.client.key), pki.otherKey, ...keyLines(pki.otherKey), ...server.issued];
}

describe('oauth2 with tls_client_certificate (mutual TLS)', () => {
  it('presents the client certificate on the token request and on the API requests', async () => {
    const file = writeManifest(home, 'mtls_cc', manifest('mtls_cc', ['client_auth: client_secret_post', 'tls_client_certificate: true']));
    const secrets = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tls_client_cert: pki.client.cert, tls_client_key: pki.client.key };
    const run = await runChecked(['run', file], { env: env('mtls_cc', secrets) }, secretValues());
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items')).toEqual([{ id: 1, name: 'first' }, { id: 2, name: 'second' }]);
    expect(server.seen.map(({ subject, path }) => ({ subject, path }))).toEqual([
      { subject: 'connectors test client', path: '/token' },
      { subject: 'connectors test client', path: '/api/items' },
    ]);
    expect(server.seen[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(findKeyMaterial(run.stdout + run.stderr)).toEqual([]);
  });

  it('client_auth tls_client_auth: the certificate authenticates the client, no client_secret is needed or sent', async () => {
    const file = writeManifest(home, 'mtls_auth', manifest('mtls_auth', ['client_auth: tls_client_auth']));
    const base = env('mtls_auth', { client_id: CLIENT_ID });
    // Stored the way a user stores a PEM file: piped into `secrets set`.
    for (const [name, value] of [['tls_client_cert', pki.client.cert], ['tls_client_key', pki.client.key]] as const) {
      const set = await runChecked(['secrets', 'set', file, name], { env: base, input: value }, secretValues());
      expect(set.code, set.stderr).toBe(0);
    }
    const list = await runChecked(['secrets', 'list', file, '--json'], { env: base }, secretValues());
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'client_id', source: 'env' }),
        expect.objectContaining({ name: 'tls_client_cert', source: 'store' }),
        expect.objectContaining({ name: 'tls_client_key', source: 'store' }),
      ]),
    );
    expect(JSON.parse(list.stdout).map((entry: { name: string }) => entry.name)).not.toContain('client_secret');
    const run = await runChecked(['run', file], { env: base }, secretValues());
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(recordsOf(run.stdout, 'items')).toHaveLength(2);
    expect(server.seen[0]).toEqual({ subject: 'connectors test client', path: '/token', body: { grant_type: 'client_credentials', client_id: CLIENT_ID } });
  });

  it('without the client certificate the run fails with one sentence saying the server wants one', async () => {
    const file = writeManifest(home, 'mtls_none', manifest('mtls_none', ['client_auth: client_secret_post']));
    const run = await runChecked(['run', file], { env: env('mtls_none', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) }, secretValues());
    expect(expectOneLineError(run)).toMatch(
      /^Error: POST https:\/\/127\.0\.0\.1:\d+\/token failed: the server requires a TLS client certificate and none was presented \(set the oauth2 option tls_client_certificate with the tls_client_cert and tls_client_key secrets\)\.$/,
    );
    expect(server.seen).toEqual([]);
  });

  it('a missing certificate secret is named before any request', async () => {
    const file = writeManifest(home, 'mtls_missing', manifest('mtls_missing', ['tls_client_certificate: true']));
    const run = await runChecked(['run', file], { env: env('mtls_missing', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tls_client_cert: pki.client.cert }) }, secretValues());
    expect(expectOneLineError(run)).toMatch(/"tls_client_key" of mtls_missing is missing: set CONNECTORS_SECRET_MTLS_MISSING_TLS_CLIENT_KEY/);
    expect(server.seen).toEqual([]);
  });

  it('a key secret that is not PEM, and a key that does not match the certificate, are one sentence without the secret', async () => {
    const file = writeManifest(home, 'mtls_bad', manifest('mtls_bad', ['tls_client_certificate: true']));
    const base = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tls_client_cert: pki.client.cert };
    const notPem = 'not-a-pem-key-but-a-secret-9d2c1e';
    const bad = await runChecked(['run', file], { env: env('mtls_bad', { ...base, tls_client_key: notPem }) }, [...secretValues(), notPem]);
    expect(expectOneLineError(bad)).toMatch(/^Error: The tls_client_key secret of mtls_bad is not a PEM private key \(it has no "-----BEGIN PRIVATE KEY-----" or similar line\)\./);
    const mismatch = await runChecked(['run', file], { env: env('mtls_bad', { ...base, tls_client_key: pki.otherKey }) }, secretValues());
    expect(expectOneLineError(mismatch)).toMatch(/^Error: The tls_client_key secret of mtls_bad is not the private key of the certificate in tls_client_cert\./);
    const swapped = await runChecked(['run', file], { env: env('mtls_bad', { ...base, tls_client_cert: pki.client.key, tls_client_key: pki.client.key }) }, secretValues());
    expect(expectOneLineError(swapped)).toMatch(/^Error: The tls_client_cert secret of mtls_bad is not a PEM certificate/);
    for (const result of [bad, mismatch, swapped]) expect(findKeyMaterial(result.stdout + result.stderr)).toEqual([]);
    expect(server.seen).toEqual([]);
  });

  it('a certificate from a CA the server does not trust never gets a token', async () => {
    // The server drops the connection after the handshake (Node's TLS server sends no alert): a
    // network error, which is retried like any other unless the manifest says not to.
    const file = writeManifest(home, 'mtls_untrusted', manifest('mtls_untrusted', ['tls_client_certificate: true'], ['retry: {limit: 0}']));
    const secrets = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tls_client_cert: untrusted.client.cert, tls_client_key: untrusted.client.key };
    const run = await runChecked(['run', file], { env: env('mtls_untrusted', secrets) }, [...secretValues(), untrusted.client.key]);
    expect(expectOneLineError(run)).toMatch(/^Error: POST https:\/\/127\.0\.0\.1:\d+\/token failed: /);
    expect(server.issued.some((token) => run.stdout.includes(token))).toBe(false);
    expect(server.seen).toEqual([]);
  });

  it('without NODE_EXTRA_CA_CERTS the private CA of the server is not trusted, and the message says how to add it', async () => {
    const file = writeManifest(home, 'mtls_ca', manifest('mtls_ca', ['tls_client_certificate: true']));
    const secrets = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tls_client_cert: pki.client.cert, tls_client_key: pki.client.key };
    const run = await runCli(['run', file], { env: cliEnv(home, 'mtls_ca', secrets) });
    expect(expectOneLineError(run)).toMatch(/^Error: POST \S+\/token failed: the server's TLS certificate is not trusted \([A-Z_]+\); if a private CA issued it, add that CA's PEM file with the NODE_EXTRA_CA_CERTS environment variable\.$/);
    expect(findKeyMaterial(run.stdout + run.stderr)).toEqual([]);
  });
});

describe('connectors serve with tls_client_certificate', () => {
  it("the proxy presents the connection's client certificate upstream, to which its token is bound", async () => {
    const catalog = join(home, 'catalog');
    writeManifest(catalog, 'mtls_serve', manifest('mtls_serve', ['client_auth: tls_client_auth']));
    const serveEnv = {
      ...env('mtls_serve', { client_id: CLIENT_ID, tls_client_cert: pki.client.cert, tls_client_key: pki.client.key }),
      CONNECTORS_CATALOG: catalog,
    };
    const key = await addCaller(serveEnv, 'etl', ['--allow', 'mtls_serve/*']);
    const serve = await startServe(serveEnv);
    try {
      const answer = await callServe(serve, '/v1/proxy/mtls_serve/default/items?page=1', key);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: [{ id: 1, name: 'first' }, { id: 2, name: 'second' }] });
      expect((await callServe(serve, '/v1/proxy/mtls_serve/default/items', key)).status).toBe(200);
    } finally {
      await serve.stop('SIGTERM');
    }
    expect(server.seen.map(({ subject, path }) => ({ subject, path }))).toEqual([
      { subject: 'connectors test client', path: '/token' },
      { subject: 'connectors test client', path: '/api/items' },
      { subject: 'connectors test client', path: '/api/items' },
    ]);
    expect(findLeaks(serve.output(), [...secretValues(), key])).toEqual([]);
    expect(findKeyMaterial(serve.output())).toEqual([]);
  });
});

/** PEM key blocks or their base64 lines in `output`. */
function findKeyMaterial(output: string): string[] {
  const found: string[] = [];
  // A PEM block, not the name of one (the error for a key that is not PEM quotes the header line).
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----\s*\n/.test(output)) found.push('a PEM private key block');
  for (const pem of [pki.client.key, pki.otherKey]) {
    for (const line of pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) if (output.includes(line)) found.push(line);
  }
  return found;
}
