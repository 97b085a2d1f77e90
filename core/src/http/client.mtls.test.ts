/**
 * The runtime's HTTP client with a TLS client certificate (mutual TLS, RFC 8705), against a real
 * https server that requires one: `request` and `stream` present it; without it the server
 * refuses the handshake and the failure is one sentence.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { createTestPki, type TestPki } from '../testing/test-pki.js';
import { createRuntimeHttpClient } from './client.js';

let pki: TestPki;
let server: Server;
let base: string;

beforeAll(async () => {
  pki = createTestPki();
  server = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, (request, response) => {
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ subject: peer.subject?.CN ?? null, path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  pki?.cleanup();
});

/** Trusts the test CA the way NODE_EXTRA_CA_CERTS would for the CLI. */
const trusting = () => got.extend({ https: { certificateAuthority: pki.caCert } });

describe('tlsClientCertificate', () => {
  it('presents the certificate on request() and stream()', async () => {
    const client = createRuntimeHttpClient({ got: trusting(), tlsClientCertificate: { certificate: pki.client.cert, key: pki.client.key } });
    const response = await client.request({ url: `${base}/token`, method: 'POST', form: { grant_type: 'client_credentials' } });
    expect(response.json()).toEqual({ subject: 'connectors test client', path: '/token' });
    const streamed = await client.stream({ url: `${base}/items?page=2` });
    let text = '';
    for await (const chunk of streamed.body) text += String(chunk);
    expect(JSON.parse(text)).toEqual({ subject: 'connectors test client', path: '/items?page=2' });
  });

  it('without it, the refused handshake is one sentence naming the request, not retried', async () => {
    const sleeps: number[] = [];
    const client = createRuntimeHttpClient({ got: trusting(), sleep: async (ms) => void sleeps.push(ms) });
    const error = await client.request({ url: `${base}/token` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      `GET ${base}/token failed: the server requires a TLS client certificate and none was presented (set the oauth2 option tls_client_certificate with the tls_client_cert and tls_client_key secrets).`,
    );
    expect(sleeps).toEqual([]);
  });

  it("a server certificate from an untrusted CA says to add it with NODE_EXTRA_CA_CERTS", async () => {
    const client = createRuntimeHttpClient({ sleep: async () => {}, tlsClientCertificate: { certificate: pki.client.cert, key: pki.client.key } });
    const error = await client.request({ url: `${base}/token` }).catch((e: unknown) => e);
    expect((error as HttpError).message).toMatch(/^GET \S+ failed: the server's TLS certificate is not trusted \([A-Z_]+\); .*NODE_EXTRA_CA_CERTS environment variable\.$/);
  });
});
