/**
 * A small OIDC issuer for the caller tests: `node:http` on 127.0.0.1 serving a discovery document
 * and a JWKS, and signing workload tokens with jose. `issuerClaim` lets a test serve a discovery
 * document that names another issuer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export interface TestIssuer {
  /** `http://127.0.0.1:<port>`, the `iss` of its tokens. */
  url: string;
  /** Signs a token (RS256, the issuer's key) with these claims over the defaults. */
  sign(claims: JWTPayload, options?: { omit?: string[]; kid?: string }): Promise<string>;
  /** Requests seen, by path. */
  requests: string[];
  /** What the discovery document says `issuer` is (default: `url`). */
  issuerClaim?: string;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let server: Server;
  const issuer: TestIssuer = {
    url: '',
    requests: [],
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const all: JWTPayload = { iss: issuer.url, aud: 'connectors', sub: 'workload-1', iat: now, exp: now + 300, ...claims };
      for (const name of options.omit ?? []) delete all[name];
      return new SignJWT(all).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' }).sign(privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  server = createServer((req, res) => {
    issuer.requests.push(req.url ?? '');
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: issuer.issuerClaim ?? issuer.url, jwks_uri: `${issuer.url}/jwks` }));
      return;
    }
    if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return issuer;
}
