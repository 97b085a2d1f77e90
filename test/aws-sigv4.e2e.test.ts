/**
 * aws_sigv4 end to end: the built CLI signs every request (pages, query, body) and a local
 * `node:http` server checks each signature with its own implementation of AWS's documented
 * algorithm (canonical request, string to sign, derived signing key; node:crypto only), answering
 * 403 to a signature that does not match, as AWS does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server helpers without declarations
import { listen, readBody, sendJson } from './servers/http-kit.js';

const ACCESS_KEY_ID = 'AKIAE2ETESTKEY00001';
const SECRET_ACCESS_KEY = 'e2e/Secret+Access/Key0000000000000000000';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjE2eSessionToken000';
const REGION = 'eu-north-1';
const SERVICE = 'execute-api';

// ---- The server's own SigV4 check (AWS General Reference, "Signature Version 4 signing process").

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
/** URI-encode every byte except the unreserved characters A-Z a-z 0-9 - _ . ~ (AWS's UriEncode). */
const uriEncode = (text: string): string =>
  Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** Non-S3 services: each path segment as received, URI-encoded once more. */
function canonicalUri(rawPath: string): string {
  return rawPath === '' ? '/' : rawPath.split('/').map(uriEncode).join('/');
}

/** Every parameter decoded, then encoded with UriEncode, sorted by name and then value. */
function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').map((pair) => {
    const [name = '', value = ''] = pair.split('=');
    const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
    return [uriEncode(decode(name)), uriEncode(decode(value))] as const;
  });
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

interface Verdict {
  ok: boolean;
  reason?: string;
  signedHeaders?: string[];
  sessionToken?: string;
}

/** Verifies one request's `Authorization: AWS4-HMAC-SHA256 ...` against the known secret key. */
function verifySigV4(req: IncomingMessage, body: string, secretKey: string): Verdict {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ''),
  );
  if (!match) return { ok: false, reason: 'no SigV4 Authorization header' };
  const [, keyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  if (keyId !== ACCESS_KEY_ID || region !== REGION || service !== SERVICE) return { ok: false, reason: 'wrong credential scope' };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date) return { ok: false, reason: 'bad x-amz-date' };
  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return { ok: false, reason: 'host and x-amz-date must be signed' };
  if (req.headers['x-amz-security-token'] !== undefined && !signedHeaders.includes('x-amz-security-token')) return { ok: false, reason: 'unsigned token' };

  const [rawPath = '', rawQuery = ''] = (req.url ?? '/').split('?');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [req.method, canonicalUri(rawPath), canonicalQuery(rawQuery), canonicalHeaders, signedHeaderList, sha256Hex(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature!, 'hex');
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'signature mismatch' };
  const sessionToken = req.headers['x-amz-security-token'];
  return { ok: true, signedHeaders, ...(typeof sessionToken === 'string' ? { sessionToken } : {}) };
}

// ---- A small API behind SigV4: 23 items, offset pages, and a POST search.

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  verdict: Verdict;
}

async function startSigV4Server() {
  const seen: Seen[] = [];
  const items = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));
  const server = await listen(async (req: IncomingMessage, res: import('node:http').ServerResponse, url: URL) => {
    const body = await readBody(req);
    const verdict = verifySigV4(req, body, SECRET_ACCESS_KEY);
    seen.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), verdict });
    if (!verdict.ok) {
      sendJson(res, 403, { message: 'The request signature we calculated does not match the signature you provided.' });
      return;
    }
    if (url.pathname === '/prod/me') return sendJson(res, 200, { id: 'me' });
    if (url.pathname === '/prod/items') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      return sendJson(res, 200, { items: items.slice(offset, offset + limit) });
    }
    if (url.pathname === '/prod/search' && req.method === 'POST') {
      const { offset, limit } = JSON.parse(body) as { offset: number; limit: number };
      return sendJson(res, 200, { items: items.slice(Number(offset), Number(offset) + Number(limit)) });
    }
    sendJson(res, 404, { message: 'not found' });
  });
  return { url: server.url as string, close: server.close as () => Promise<void>, seen };
}

const MANIFEST = `apiVersion: connectors/v1
name: sigv4_api
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
    region: {type: string, default: ${REGION}}
auth:
  scheme: aws_sigv4
  region: "{{ config.region }}"
  service: ${SERVICE}
base_url: "{{ config.base_url }}/prod"
headers:
  Accept: application/json
retry: {limit: 0}
check: {path: /me}
streams:
  - name: items
    path: /items
    params:
      since: "2024-01-01T00:00:00Z"
      tag: "a b/c"
    records: items
    primary_key: id
    pagination: {type: offset, offset_param: offset, limit_param: limit, page_size: 10}
  - name: search
    path: /search
    method: POST
    records: items
    primary_key: id
    body:
      offset: "{{ page.offset }}"
      limit: "{{ page.limit }}"
    pagination: {type: offset, page_size: 20}
`;

type Server = Awaited<ReturnType<typeof startSigV4Server>>;
let server: Server;
let home: string;
let cleanup: () => void;
let file: string;

beforeEach(async () => {
  server = await startSigV4Server();
  ({ home, cleanup } = makeHome());
  file = writeManifest(home, 'sigv4_api', MANIFEST);
});
afterEach(async () => {
  await server.close();
  cleanup();
});

const SECRETS = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN];
const config = () => ['--config', `base_url=${server.url}`];
const env = (secrets: Record<string, string> = { access_key_id: ACCESS_KEY_ID, secret_access_key: SECRET_ACCESS_KEY }) => cliEnv(home, 'sigv4_api', secrets);

describe('aws_sigv4 end to end', () => {
  it('signs every page (offset, limit and the stream query), checks and POST bodies; the server verifies each', async () => {
    const check = await runChecked(['check', file, ...config()], { env: env() }, SECRETS);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/GET .*\/prod\/me answered 200/);

    const run = await runChecked(['run', file, ...config()], { env: env() }, SECRETS);
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run.stdout, 'items').map((r) => r.id)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(recordsOf(run.stdout, 'search')).toHaveLength(23);

    expect(server.seen.every((s) => s.verdict.ok)).toBe(true);
    const pages = server.seen.filter((s) => s.path === '/prod/items');
    expect(pages.map((s) => s.query.offset)).toEqual(['0', '10', '20']);
    expect(pages[0]!.query).toMatchObject({ since: '2024-01-01T00:00:00Z', tag: 'a b/c', limit: '10' });
    expect(pages[0]!.verdict.signedHeaders).toEqual(expect.arrayContaining(['accept', 'host', 'x-amz-date']));
    const searches = server.seen.filter((s) => s.path === '/prod/search');
    expect(searches.map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(searches[0]!.verdict.signedHeaders).toContain('content-type');
  });

  it('sends and signs x-amz-security-token with temporary credentials', async () => {
    const secrets = { access_key_id: ACCESS_KEY_ID, secret_access_key: SECRET_ACCESS_KEY, session_token: SESSION_TOKEN };
    const result = await runChecked(['run', file, '--stream', 'items', ...config()], { env: env(secrets) }, SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(server.seen).toHaveLength(3);
    for (const request of server.seen) {
      expect(request.verdict.ok).toBe(true);
      expect(request.verdict.sessionToken).toBe(SESSION_TOKEN);
      expect(request.verdict.signedHeaders).toContain('x-amz-security-token');
    }
  });

  it('a wrong secret key is answered 403: one error line, exit 1, no secret printed', async () => {
    const wrong = 'wrong/Secret+Access/Key111111111111111111';
    const result = await runChecked(['run', file, '--stream', 'items', ...config()], { env: env({ access_key_id: ACCESS_KEY_ID, secret_access_key: wrong }) }, [...SECRETS, wrong]);
    const line = expectOneLineError(result);
    expect(line).toMatch(/403/);
    expect(server.seen[0]!.verdict).toMatchObject({ ok: false, reason: 'signature mismatch' });
  });

  it('a missing secret_access_key is one sentence naming it, before any request', async () => {
    const result = await runChecked(['run', file, '--stream', 'items', ...config()], { env: env({ access_key_id: ACCESS_KEY_ID }) }, SECRETS);
    const line = expectOneLineError(result);
    expect(line).toMatch(/secret_access_key/);
    expect(server.seen).toHaveLength(0);
  });

  it('a manifest without service fails validation with file:line:col', async () => {
    const bad = writeManifest(home, 'sigv4_bad', MANIFEST.replace('name: sigv4_api', 'name: sigv4_bad').replace(`  service: ${SERVICE}\n`, ''));
    const result = await runChecked(['run', bad, ...config()], { env: env() }, SECRETS);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/connector\.yaml:\d+:\d+/);
    expect(result.stderr).toMatch(/service/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(server.seen).toHaveLength(0);
  });
});
