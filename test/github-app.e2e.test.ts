/**
 * github_app end to end: the built CLI against a local `node:http` server playing GitHub's REST
 * API under /api/v3 (as GitHub Enterprise Server serves it). The server verifies each app JWT
 * (RS256, with the public key of a key pair the test generates; its own check, node:crypto only),
 * issues installation tokens with `expires_at` an hour ahead, and serves
 * GET /installation/repositories (Link pages) only to a valid, unexpired installation token.
 */
import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli } from './helpers/cli.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server helpers without declarations
import { listen, readBody, sendJson } from './servers/http-kit.js';

const MANIFEST = join(repoRoot, 'test', 'fixtures', 'github-app', 'connector.yaml');
const APP_ID = 424242;
const INSTALLATION_ID = 31337;
const HOUR_MS = 3_600_000;

interface KeyPair {
  publicKey: KeyObject;
  pkcs1: string;
  pkcs8: string;
}

function generateKeys(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

// ---- The server's own app JWT check (GitHub: RS256, iss = app id, exp at most 10 minutes ahead).

interface JwtVerdict {
  ok: boolean;
  reason?: string;
  claims?: Record<string, unknown>;
}

function verifyAppJwt(authorization: string | undefined, publicKey: KeyObject, nowS: number): JwtVerdict {
  const jwt = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!jwt) return { ok: false, reason: 'no bearer' };
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  let alg: unknown;
  let claims: Record<string, unknown>;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'not a JWT' };
  }
  if (alg !== 'RS256') return { ok: false, reason: `alg ${String(alg)}` };
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return { ok: false, reason: 'bad signature', claims };
  const { iat, exp, iss } = claims as { iat?: number; exp?: number; iss?: unknown };
  if (String(iss) !== String(APP_ID)) return { ok: false, reason: 'wrong iss', claims };
  if (typeof iat !== 'number' || typeof exp !== 'number') return { ok: false, reason: 'no iat/exp', claims };
  if (iat > nowS) return { ok: false, reason: 'iat in the future', claims };
  if (exp <= nowS || exp > nowS + 600 || exp - iat > 600) return { ok: false, reason: 'exp outside 10 minutes', claims };
  return { ok: true, claims };
}

// ---- GitHub under /api/v3: token endpoint and the installation's repositories.

interface TokenRequest {
  installation: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  verdict: JwtVerdict;
}

async function startGithubServer(publicKey: KeyObject) {
  const repositories = Array.from({ length: 23 }, (_, i) => ({ id: 1000 + i, name: `repo-${i + 1}`, full_name: `octo-org/repo-${i + 1}`, private: i % 2 === 0 }));
  const state = {
    clockOffsetMs: 0,
    tokenRequests: [] as TokenRequest[],
    issued: new Map<string, number>(), // token -> expiry (ms, server clock)
    apiRequests: [] as Array<{ path: string; authorized: boolean }>,
  };
  const now = () => Date.now() + state.clockOffsetMs;
  const server = await listen(async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const body = await readBody(req);
    const tokenPath = /^\/api\/v3\/app\/installations\/([^/]+)\/access_tokens$/.exec(url.pathname);
    if (tokenPath && req.method === 'POST') {
      const verdict = verifyAppJwt(req.headers.authorization, publicKey, Math.floor(now() / 1000));
      state.tokenRequests.push({ installation: tokenPath[1]!, headers: req.headers, body, verdict });
      if (req.headers.accept !== 'application/vnd.github+json' || req.headers['x-github-api-version'] !== '2022-11-28') {
        return sendJson(res, 415, { message: 'Unsupported media type or API version' });
      }
      if (!verdict.ok) return sendJson(res, 401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' });
      if (tokenPath[1] !== String(INSTALLATION_ID)) return sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      const expiresAt = new Date(now() + HOUR_MS);
      state.issued.set(token, expiresAt.getTime());
      return sendJson(res, 201, { token, expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: { metadata: 'read' }, repository_selection: 'all' });
    }
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const expiry = state.issued.get(bearer);
    const authorized = expiry !== undefined && expiry > now();
    state.apiRequests.push({ path: url.pathname, authorized });
    if (!authorized) return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    if (url.pathname === '/api/v3/installation/repositories') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = repositories.slice((page - 1) * perPage, page * perPage);
      const last = Math.ceil(repositories.length / perPage);
      const link = (p: number, rel: string) => `<${server.url}/api/v3/installation/repositories?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [link(1, 'first')];
      return sendJson(res, 200, { total_count: repositories.length, repositories: slice }, { link: links.join(', ') });
    }
    sendJson(res, 404, { message: 'Not Found' });
  });
  return { url: server.url as string, close: server.close as () => Promise<void>, state };
}

type Server = Awaited<ReturnType<typeof startGithubServer>>;

let keys: KeyPair;
let otherKeys: KeyPair;
let server: Server;
let home: string;
let cleanup: () => void;

beforeAll(() => {
  keys = generateKeys();
  otherKeys = generateKeys();
});
beforeEach(async () => {
  server = await startGithubServer(keys.publicKey);
  ({ home, cleanup } = makeHome());
});
afterEach(async () => {
  await server.close();
  cleanup();
});

/** Every secret a run could leak: the PEMs (whole and each body line) and every token issued. */
function secrets(): string[] {
  const pemLines = [keys.pkcs1, keys.pkcs8, otherKeys.pkcs1].flatMap((pem) => pem.split('\n').filter((line) => line.length > 40));
  return [keys.pkcs1, keys.pkcs8, otherKeys.pkcs1, ...pemLines, ...server.state.issued.keys()];
}

const apiUrl = () => `${server.url}/api/v3`;
const env = (privateKey = keys.pkcs1, clockOffsetMs = 0) => cliEnv(home, 'github', { private_key: privateKey }, clockOffsetMs);
const run = (privateKey = keys.pkcs1, clockOffsetMs = 0) =>
  runChecked(['run', MANIFEST, '--config', `base_url=${apiUrl()}`], { env: env(privateKey, clockOffsetMs) }, secrets());

async function setInstallation(value: string | number): Promise<void> {
  const result = await runCli(['config', 'set', MANIFEST, 'installation_id', String(value)], { env: { CONNECTORS_HOME: home } });
  expect(result.code, result.stderr).toBe(0);
}

describe('github_app end to end', () => {
  it('exchanges a verified app JWT for an installation token once, and a second run within the hour reuses it', async () => {
    await setInstallation(INSTALLATION_ID);

    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const records = recordsOf(first.stdout, 'repositories');
    expect(records.map((r) => r.name)).toEqual(Array.from({ length: 23 }, (_, i) => `repo-${i + 1}`));
    expect(records[0]).toMatchObject({ id: 1000, full_name: 'octo-org/repo-1' });

    expect(server.state.tokenRequests).toHaveLength(1);
    const [request] = server.state.tokenRequests;
    expect(request!.installation).toBe(String(INSTALLATION_ID));
    expect(request!.verdict).toMatchObject({ ok: true });
    const { iat, exp, iss } = request!.verdict.claims as { iat: number; exp: number; iss: unknown };
    expect(String(iss)).toBe(String(APP_ID));
    expect(exp - iat).toBe(600);
    expect(Math.abs(iat - (Math.floor(Date.now() / 1000) - 60))).toBeLessThanOrEqual(30);
    expect(request!.body).toBe('');

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(recordsOf(second.stdout, 'repositories')).toHaveLength(23);
    expect(server.state.tokenRequests).toHaveLength(1);
    expect(server.state.apiRequests.every((r) => r.authorized)).toBe(true);
    expect(server.state.apiRequests.filter((r) => r.path === '/api/v3/installation/repositories')).toHaveLength(6);
  });

  it('renews the installation token before its expires_at: a run 59.5 minutes later asks for a new one', async () => {
    await setInstallation(INSTALLATION_ID);
    expect((await run()).code).toBe(0);
    const later = HOUR_MS - 30_000;
    server.state.clockOffsetMs = later;
    const result = await run(keys.pkcs1, later);
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'repositories')).toHaveLength(23);
    expect(server.state.tokenRequests.map((r) => r.verdict.ok)).toEqual([true, true]);
    expect(server.state.apiRequests.every((r) => r.authorized)).toBe(true);
  });

  it('signs with a PKCS#8 key as well as the PKCS#1 key GitHub downloads', async () => {
    await setInstallation(INSTALLATION_ID);
    const result = await run(keys.pkcs8);
    expect(result.code, result.stderr).toBe(0);
    expect(recordsOf(result.stdout, 'repositories')).toHaveLength(23);
    expect(server.state.tokenRequests[0]!.verdict.ok).toBe(true);
  });

  it('without an installation id: one sentence naming connectors config set, before any request', async () => {
    const result = await run();
    const line = expectOneLineError(result);
    expect(line).toContain('`connectors config set github installation_id VALUE`');
    expect(server.state.tokenRequests).toHaveLength(0);
  });

  it('an installation GitHub does not know is a 404 naming the installation', async () => {
    await setInstallation(999);
    const line = expectOneLineError(await run());
    expect(line).toMatch(/GitHub found no installation 999 of app 424242 .*404: Not Found/);
    expect(line).toContain('connectors config set github installation_id VALUE');
  });

  it("another app's key is a 401 blaming the app id or key", async () => {
    await setInstallation(INSTALLATION_ID);
    const line = expectOneLineError(await run(otherKeys.pkcs1));
    expect(line).toMatch(/GitHub refused the app JWT of github \(401: A JSON web token could not be decoded\); the app ID or key is wrong/);
    expect(server.state.tokenRequests[0]!.verdict.reason).toBe('bad signature');
  });

  it('a PEM that is not a key: one sentence, no request, nothing of it printed', async () => {
    await setInstallation(INSTALLATION_ID);
    const notAKey = `-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(96).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
    const result = await runChecked(['run', MANIFEST, '--config', `base_url=${apiUrl()}`], { env: env(notAKey) }, [...secrets(), notAKey, notAKey.split('\n')[1]!]);
    const line = expectOneLineError(result);
    expect(line).toMatch(/The private_key secret of github cannot be read as a PEM private key/);
    expect(server.state.tokenRequests).toHaveLength(0);
  });

  it('check uses the same session; secrets list shows the private key set and the installation token held', async () => {
    await setInstallation(INSTALLATION_ID);
    const check = await runChecked(['check', MANIFEST, '--config', `base_url=${apiUrl()}`], { env: env() }, secrets());
    expect(check.code, check.stderr).toBe(0);
    const list = await runChecked(['secrets', 'list', MANIFEST], { env: env() }, secrets());
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/private_key/);
    expect(list.stdout).toMatch(/github_installation_token/);
    expect(server.state.tokenRequests).toHaveLength(1);
  });
});
