/**
 * jwt_signed end to end: the built CLI signs its own JWT and two local `node:http` servers verify
 * it as the real APIs do, each with its own check written on node:crypto alone:
 * - App Store Connect: `Authorization: Bearer <jwt>`, ES256 (a raw r||s signature), the `kid`
 *   header naming the key, `iss` the issuer id, `aud` "appstoreconnect-v1", `exp - iat` at most
 *   1200 seconds; pages follow `links.next`.
 * - Ghost's Admin API: `Authorization: Ghost <jwt>`, HS256 with the hex-decoded half of the
 *   `id:secret` admin key, `kid` the id, `aud` "/admin/", `exp - iat` at most 300 seconds.
 * Output is scanned for the keys in every form.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server helpers without declarations
import { listen, parseAuthorization, sendJson } from './servers/http-kit.js';

// ---- Keys: an App Store Connect .p8 (PKCS#8 EC P-256) and a Ghost Admin API key (id:hex).

const ASC_KEY_ID = '2X9R4HXF34';
const ASC_ISSUER_ID = '57246542-96fe-1a63-e053-0824d011072a';
const ascPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ASC_PRIVATE_KEY = ascPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const GHOST_KEY_ID = '6489a1b2c3d4e5f60718293a';
const GHOST_SECRET_HEX = randomBytes(32).toString('hex');
const GHOST_ADMIN_KEY = `${GHOST_KEY_ID}:${GHOST_SECRET_HEX}`;

/** Every form a key could leak in: the whole PEM, its base64 body, the Ghost key and its halves' bytes. */
const pemBody = (text: string): string => text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const SECRETS = [ASC_PRIVATE_KEY, pemBody(ASC_PRIVATE_KEY), GHOST_ADMIN_KEY, GHOST_SECRET_HEX, Buffer.from(GHOST_SECRET_HEX, 'hex').toString('base64')];

// ---- The servers' own JWT check (RFC 7515 compact serialization, RFC 7519 claims).

interface Verdict {
  ok: boolean;
  reason?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  token?: string;
}

const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

interface Expected {
  scheme: string;
  alg: 'ES256' | 'HS256';
  kid: string;
  aud: string;
  iss?: string;
  maxLifetime: number;
  /** Checks the signature over `<header>.<payload>`. */
  verify(signingInput: string, signature: Buffer): boolean;
}

function verifyJwt(req: IncomingMessage, expected: Expected): Verdict {
  const token = parseAuthorization(req.headers.authorization, expected.scheme) as string | null;
  if (!token) return { ok: false, reason: `no ${expected.scheme} token` };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodePart(parts[0]!);
    claims = decodePart(parts[1]!);
  } catch {
    return { ok: false, reason: 'undecodable header or payload' };
  }
  if (header.alg !== expected.alg) return { ok: false, reason: `alg ${String(header.alg)}` };
  if (header.kid !== expected.kid) return { ok: false, reason: 'wrong kid' };
  if (header.typ !== 'JWT') return { ok: false, reason: 'typ is not JWT' };
  if (!expected.verify(`${parts[0]}.${parts[1]}`, Buffer.from(parts[2]!, 'base64url'))) return { ok: false, reason: 'bad signature' };
  if (claims.aud !== expected.aud) return { ok: false, reason: 'wrong aud' };
  if (expected.iss !== undefined && claims.iss !== expected.iss) return { ok: false, reason: 'wrong iss' };
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return { ok: false, reason: 'iat and exp must be numbers' };
  if (exp - iat > expected.maxLifetime || exp <= iat) return { ok: false, reason: `lifetime ${exp - iat}` };
  if (exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, header, claims, token };
}

const appStoreCheck = (publicKey: KeyObject): Expected => ({
  scheme: 'Bearer',
  alg: 'ES256',
  kid: ASC_KEY_ID,
  aud: 'appstoreconnect-v1',
  iss: ASC_ISSUER_ID,
  maxLifetime: 1200,
  verify: (input, signature) => verifySignature('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
});

const ghostCheck: Expected = {
  scheme: 'Ghost',
  alg: 'HS256',
  kid: GHOST_KEY_ID,
  aud: '/admin/',
  maxLifetime: 300,
  verify: (input, signature) => {
    const expected = createHmac('sha256', Buffer.from(GHOST_SECRET_HEX, 'hex')).update(input).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  },
};

// ---- Two small APIs behind the checks.

interface Seen {
  path: string;
  query: Record<string, string>;
  verdict: Verdict;
}

async function startServer(expected: Expected, routes: (url: URL, base: string) => unknown) {
  const seen: Seen[] = [];
  const server = await listen((req: IncomingMessage, res: ServerResponse, url: URL) => {
    const verdict = verifyJwt(req, expected);
    seen.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), verdict });
    if (!verdict.ok) return sendJson(res, 401, { errors: [{ status: '401', code: 'NOT_AUTHORIZED', detail: verdict.reason }] });
    const body = routes(url, `http://${req.headers.host}`);
    if (body === undefined) return sendJson(res, 404, { errors: [{ status: '404' }] });
    sendJson(res, 200, body);
  });
  return { url: server.url as string, close: server.close as () => Promise<void>, seen };
}

const APPS = Array.from({ length: 7 }, (_, i) => ({ type: 'apps', id: String(1000 + i), attributes: { name: `App ${i + 1}`, bundleId: `com.example.app${i + 1}` } }));

/** App Store Connect's shape: `data`, and `links.next` while there are more. */
function appStoreRoutes(url: URL, base: string): unknown {
  if (url.pathname !== '/v1/apps') return undefined;
  const limit = Number(url.searchParams.get('limit') ?? 3);
  const offset = Number(url.searchParams.get('cursor') ?? 0);
  const data = APPS.slice(offset, offset + limit);
  const next = offset + limit < APPS.length ? `${base}/v1/apps?limit=${limit}&cursor=${offset + limit}` : undefined;
  return { data, links: { self: `${base}${url.pathname}${url.search}`, ...(next ? { next } : {}) } };
}

const POSTS = Array.from({ length: 5 }, (_, i) => ({ id: `post-${i + 1}`, title: `Post ${i + 1}`, status: 'published' }));

/** Ghost's Admin API shape: `posts` and `meta.pagination`. */
function ghostRoutes(url: URL): unknown {
  if (url.pathname === '/ghost/api/admin/site/') return { site: { title: 'E2E blog' } };
  if (url.pathname !== '/ghost/api/admin/posts/') return undefined;
  const page = Number(url.searchParams.get('page') ?? 1);
  const limit = Number(url.searchParams.get('limit') ?? 15);
  const pages = Math.ceil(POSTS.length / limit);
  return { posts: POSTS.slice((page - 1) * limit, page * limit), meta: { pagination: { page, limit, pages, total: POSTS.length, next: page < pages ? page + 1 : null } } };
}

const ASC_MANIFEST = `apiVersion: connectors/v1
name: app_store
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
    issuer_id: {type: string}
    key_id: {type: string}
auth:
  scheme: jwt_signed
  alg: ES256
  kid: "{{ config.key_id }}"
  claims:
    iss: "{{ config.issuer_id }}"
    aud: appstoreconnect-v1
  lifetime: 1200
base_url: "{{ config.base_url }}"
retry: {limit: 0}
check: {path: /v1/apps, params: {limit: 1}}
streams:
  - name: apps
    path: /v1/apps
    params: {limit: 3}
    records: data
    primary_key: id
    pagination: {type: next_url, next_url_path: links.next}
`;

const GHOST_MANIFEST = `apiVersion: connectors/v1
name: ghost_admin
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
auth:
  scheme: jwt_signed
  alg: HS256
  key_encoding: hex
  key_id_separator: ":"
  claims: {aud: /admin/}
  lifetime: 300
  apply:
    headers:
      Authorization: "Ghost {{ session.token }}"
base_url: "{{ config.base_url }}/ghost/api/admin"
headers:
  Accept-Version: v5.0
retry: {limit: 0}
check: {path: /site/}
streams:
  - name: posts
    path: /posts/
    records: posts
    primary_key: id
    pagination: {type: page, page_param: page, size_param: limit, page_size: 2}
`;

type Server = Awaited<ReturnType<typeof startServer>>;
let home: string;
let cleanup: () => void;
let servers: Server[];

beforeEach(() => {
  ({ home, cleanup } = makeHome());
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  cleanup();
});

async function appStore() {
  const server = await startServer(appStoreCheck(createPublicKey(ASC_PRIVATE_KEY)), appStoreRoutes);
  servers.push(server);
  const file = writeManifest(home, 'app_store', ASC_MANIFEST);
  const args = ['--config', `base_url=${server.url}`, '--config', `issuer_id=${ASC_ISSUER_ID}`, '--config', `key_id=${ASC_KEY_ID}`];
  return { server, file, args };
}

async function ghost() {
  const server = await startServer(ghostCheck, ghostRoutes);
  servers.push(server);
  const file = writeManifest(home, 'ghost_admin', GHOST_MANIFEST);
  return { server, file, args: ['--config', `base_url=${server.url}`] };
}

describe('jwt_signed end to end', () => {
  it('App Store Connect: an ES256 bearer with kid, iss and aud; check, then every page of apps', async () => {
    const { server, file, args } = await appStore();
    const env = cliEnv(home, 'app_store', { private_key: ASC_PRIVATE_KEY });
    const check = await runChecked(['check', file, ...args], { env }, SECRETS);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/GET .*\/v1\/apps answered 200/);

    const run = await runChecked(['run', file, ...args], { env }, SECRETS);
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run.stdout, 'apps').map((r) => r.id)).toEqual(APPS.map((app) => app.id));
    expect(server.seen.map((s) => s.verdict.reason)).toEqual([undefined, undefined, undefined, undefined]);
    const { header, claims } = server.seen.at(-1)!.verdict;
    expect(header).toEqual({ alg: 'ES256', kid: ASC_KEY_ID, typ: 'JWT' });
    expect(Object.keys(claims!).sort()).toEqual(['aud', 'exp', 'iat', 'iss']);
    expect(Number(claims!.exp) - Number(claims!.iat)).toBe(1200);
    expect(server.seen.filter((s) => s.path === '/v1/apps').map((s) => s.query.cursor)).toEqual([undefined, undefined, '3', '6']);
  });

  it('Ghost Admin API: Authorization: Ghost <jwt>, HS256 with the hex-decoded secret and the id as kid', async () => {
    const { server, file, args } = await ghost();
    const env = cliEnv(home, 'ghost_admin', { signing_key: GHOST_ADMIN_KEY });
    const check = await runChecked(['check', file, ...args], { env }, SECRETS);
    expect(check.code, check.stderr).toBe(0);

    const run = await runChecked(['run', file, ...args], { env }, SECRETS);
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run.stdout, 'posts').map((r) => r.id)).toEqual(POSTS.map((post) => post.id));
    expect(server.seen.every((s) => s.verdict.ok)).toBe(true);
    expect(server.seen.filter((s) => s.path === '/ghost/api/admin/posts/').map((s) => s.query.page)).toEqual(['1', '2', '3']);
    expect(server.seen.at(-1)!.verdict.header).toEqual({ alg: 'HS256', kid: GHOST_KEY_ID, typ: 'JWT' });
    expect(Number(server.seen.at(-1)!.verdict.claims!.exp) - Number(server.seen.at(-1)!.verdict.claims!.iat)).toBe(300);
  });

  it('a later process reuses the stored JWT, and one within refresh_before of exp signs a new one', async () => {
    const { server, file, args } = await appStore();
    const secrets = { private_key: ASC_PRIVATE_KEY };
    const runAt = async (offsetMs: number) => {
      const result = await runChecked(['run', file, ...args], { env: cliEnv(home, 'app_store', secrets, offsetMs) }, SECRETS);
      expect(result.code, result.stderr).toBe(0);
      expect(recordsOf(result.stdout, 'apps')).toHaveLength(APPS.length);
      return server.seen.splice(0).map((s) => s.verdict);
    };
    const first = await runAt(0);
    const reused = await runAt(600_000);
    const renewed = await runAt(1_150_000);
    expect([...first, ...reused, ...renewed].every((verdict) => verdict.ok)).toBe(true);
    expect(new Set(first.map((v) => v.token)).size).toBe(1);
    expect(reused.map((v) => v.token)).toEqual(first.map((v) => v.token));
    expect(renewed[0]!.token).not.toBe(first[0]!.token);
    expect(Number(renewed[0]!.claims!.iat) - Number(first[0]!.claims!.iat)).toBeGreaterThanOrEqual(1140);
  });

  it('a public key stored as private_key is one sentence naming the secret, before any request', async () => {
    const { server, file, args } = await appStore();
    const publicPem = ascPair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const result = await runChecked(['run', file, ...args], { env: cliEnv(home, 'app_store', { private_key: publicPem }) }, [...SECRETS, pemBody(publicPem)]);
    expect(expectOneLineError(result)).toMatch(/private_key secret of app_store is a public key or certificate, not a private key/);
    expect(server.seen).toHaveLength(0);
  });

  it('a Ghost key without its id, or with a secret that is not hex, is one sentence, before any request', async () => {
    const { server, file, args } = await ghost();
    const noId = await runChecked(['run', file, ...args], { env: cliEnv(home, 'ghost_admin', { signing_key: GHOST_SECRET_HEX }) }, SECRETS);
    expect(expectOneLineError(noId)).toMatch(/signing_key secret of ghost_admin is not `<id>:<key>`/);
    const notHex = `${GHOST_KEY_ID}:${'zz'.repeat(32)}`;
    const bad = await runChecked(['run', file, ...args], { env: cliEnv(home, 'ghost_admin', { signing_key: notHex }) }, [...SECRETS, notHex]);
    expect(expectOneLineError(bad)).toMatch(/signing_key secret of ghost_admin is not hex/);
    expect(server.seen).toHaveLength(0);
  });

  it('a missing key and an unsupported alg fail before any request, the alg with file:line:col', async () => {
    const { server, file, args } = await appStore();
    const missing = await runChecked(['run', file, ...args], { env: cliEnv(home, 'app_store', {}) }, SECRETS);
    expect(expectOneLineError(missing)).toMatch(/private_key/);
    const badAlg = writeManifest(home, 'app_store_bad', ASC_MANIFEST.replace('name: app_store', 'name: app_store_bad').replace('alg: ES256', 'alg: ES257'));
    const result = await runChecked(['run', badAlg, ...args], { env: cliEnv(home, 'app_store_bad', { private_key: ASC_PRIVATE_KEY }) }, SECRETS);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/connector\.yaml:11:\d+: auth\.alg: "ES257" is not allowed; expected one of .*ES256/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(server.seen).toHaveLength(0);
  });
});
