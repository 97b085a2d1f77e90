/**
 * oauth1 end to end, NetSuite-style token-based authentication: the built CLI signs every page
 * with HMAC-SHA256 and `realm` = the account id, and a local `node:http` server checks each
 * request with its own RFC 5849 implementation (signature base string, key, HMAC via node:crypto),
 * that nonce and timestamp are present, fresh and never reused, answering 401 otherwise.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHome } from './helpers/cli.js';
import { writeManifest } from './helpers/manifests.js';
import { cliEnv, expectOneLineError, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test server helpers without declarations
import { listen, readBody, sendJson } from './servers/http-kit.js';

const CONSUMER_KEY = 'e2e-consumer-key-7f3a';
const CONSUMER_SECRET = 'e2e-consumer-secret-&-9b1c';
const TOKEN = 'e2e-token-id-4d2e';
const TOKEN_SECRET = 'e2e-token-secret-8c5f';
const ACCOUNT = '1234567_SB1';

// ---- The server's own check (RFC 5849 section 3.4.1 to 3.4.2, with SHA-256 for the hash).

/** RFC 5849 3.6: every byte but ALPHA, DIGIT, "-", ".", "_", "~" as %XX (upper case). */
const encode = (text: string): string =>
  Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** The Authorization header's parameters (3.5.1), decoded. */
function parseOAuthHeader(header: string): Map<string, string> | undefined {
  if (!header.startsWith('OAuth ')) return undefined;
  const params = new Map<string, string>();
  for (const part of header.slice(6).split(',')) {
    const match = /^\s*([A-Za-z0-9_]+)="([^"]*)"\s*$/.exec(part);
    if (!match) return undefined;
    params.set(match[1]!, decodeURIComponent(match[2]!));
  }
  return params;
}

/** Form-decoded name/value pairs (3.4.1.3.1): `+` is a space. */
const formPairs = (text: string): Array<[string, string]> =>
  text === ''
    ? []
    : text.split('&').map((pair) => {
        const [name = '', value = ''] = pair.split('=');
        const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
        return [decode(name), decode(value)];
      });

interface Verdict {
  ok: boolean;
  reason?: string;
  realm?: string;
  nonce?: string;
}

const usedNonces = new Set<string>();

function verifyOAuth1(req: IncomingMessage, body: string, tokenSecret: string): Verdict {
  const params = parseOAuthHeader(String(req.headers.authorization ?? ''));
  if (!params) return { ok: false, reason: 'no OAuth Authorization header' };
  if (params.get('oauth_signature_method') !== 'HMAC-SHA256') return { ok: false, reason: 'not HMAC-SHA256' };
  if (params.get('oauth_consumer_key') !== CONSUMER_KEY || params.get('oauth_token') !== TOKEN) return { ok: false, reason: 'unknown consumer or token' };
  const nonce = params.get('oauth_nonce') ?? '';
  const timestamp = Number(params.get('oauth_timestamp'));
  if (nonce === '') return { ok: false, reason: 'no nonce' };
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - Date.now() / 1000) > 600) return { ok: false, reason: 'bad timestamp' };
  if (usedNonces.has(`${timestamp}:${nonce}`)) return { ok: false, reason: 'nonce reused' };
  usedNonces.add(`${timestamp}:${nonce}`);

  const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?');
  const baseUri = `http://${String(req.headers.host).toLowerCase()}${rawPath}`;
  const pairs: Array<[string, string]> = [...formPairs(rawQuery)];
  for (const [name, value] of params) if (name !== 'realm' && name !== 'oauth_signature') pairs.push([name, value]);
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) pairs.push(...formPairs(body));
  const normalized = pairs
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const baseString = [String(req.method).toUpperCase(), encode(baseUri), encode(normalized)].join('&');
  const key = `${encode(CONSUMER_SECRET)}&${encode(tokenSecret)}`;
  const expected = createHmac('sha256', key).update(baseString).digest();
  const given = Buffer.from(params.get('oauth_signature') ?? '', 'base64');
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, nonce, ...(params.has('realm') ? { realm: params.get('realm')! } : {}) };
}

// ---- A NetSuite-like record API: 12 customers, limit/offset pages.

interface Seen {
  path: string;
  query: Record<string, string>;
  verdict: Verdict;
}

async function startOAuth1Server() {
  const seen: Seen[] = [];
  const customers = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, companyName: `Customer ${i + 1}` }));
  const server = await listen(async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const body = await readBody(req);
    const verdict = verifyOAuth1(req, body, TOKEN_SECRET);
    seen.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), verdict });
    if (!verdict.ok) return sendJson(res, 401, { title: 'Unauthorized', detail: 'Invalid login attempt.' });
    if (url.pathname === '/services/rest/record/v1/customer') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 5);
      return sendJson(res, 200, { items: customers.slice(offset, offset + limit) });
    }
    sendJson(res, 404, { title: 'Not Found' });
  });
  return { url: server.url as string, close: server.close as () => Promise<void>, seen };
}

const MANIFEST = `apiVersion: connectors/v1
name: suite
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
    account_id: {type: string}
auth:
  scheme: oauth1
  signature_method: HMAC-SHA256
  realm: "{{ config.account_id }}"
base_url: "{{ config.base_url }}/services/rest/record/v1"
retry: {limit: 0}
check: {path: /customer}
streams:
  - name: customers
    path: /customer
    params:
      q: "companyName START_WITH Customer"
    records: items
    primary_key: id
    pagination: {type: offset, offset_param: offset, limit_param: limit, page_size: 5}
`;

type Server = Awaited<ReturnType<typeof startOAuth1Server>>;
let server: Server;
let home: string;
let cleanup: () => void;
let file: string;

beforeEach(async () => {
  server = await startOAuth1Server();
  ({ home, cleanup } = makeHome());
  file = writeManifest(home, 'suite', MANIFEST);
});
afterEach(async () => {
  await server.close();
  cleanup();
});

const SECRETS = [CONSUMER_KEY, CONSUMER_SECRET, TOKEN, TOKEN_SECRET];
const ALL = { consumer_key: CONSUMER_KEY, consumer_secret: CONSUMER_SECRET, token: TOKEN, token_secret: TOKEN_SECRET };
const config = () => ['--config', `base_url=${server.url}`, '--config', `account_id=${ACCOUNT}`];
const env = (secrets: Record<string, string> = ALL) => cliEnv(home, 'suite', secrets);

describe('oauth1 end to end', () => {
  it('signs every page with HMAC-SHA256, realm = account id, a fresh nonce each time; the server verifies each', async () => {
    const check = await runChecked(['check', file, ...config()], { env: env() }, SECRETS);
    expect(check.code, check.stderr).toBe(0);
    const run = await runChecked(['run', file, ...config()], { env: env() }, SECRETS);
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run.stdout, 'customers').map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

    expect(server.seen.map((s) => s.verdict.reason)).toEqual(server.seen.map(() => undefined));
    const pages = server.seen.filter((s) => s.query.q !== undefined);
    expect(pages.map((s) => s.query.offset)).toEqual(['0', '5', '10']);
    expect(pages[0]!.query).toMatchObject({ q: 'companyName START_WITH Customer', limit: '5' });
    expect(server.seen.every((s) => s.verdict.realm === ACCOUNT)).toBe(true);
    expect(new Set(server.seen.map((s) => s.verdict.nonce)).size).toBe(server.seen.length);
  });

  it('takes the token secrets under their aliases access_token and access_token_secret', async () => {
    const secrets = { consumer_key: CONSUMER_KEY, consumer_secret: CONSUMER_SECRET, access_token: TOKEN, access_token_secret: TOKEN_SECRET };
    const result = await runChecked(['check', file, ...config()], { env: env(secrets) }, SECRETS);
    expect(result.code, result.stderr).toBe(0);
    expect(server.seen[0]!.verdict.ok).toBe(true);
  });

  it('a wrong token secret is answered 401: one error line, exit 1, no secret printed', async () => {
    const wrong = 'wrong-token-secret-1d9e';
    const result = await runChecked(['run', file, ...config()], { env: env({ ...ALL, token_secret: wrong }) }, [...SECRETS, wrong]);
    const line = expectOneLineError(result);
    expect(line).toMatch(/401/);
    expect(server.seen.length).toBeGreaterThan(0);
    expect(server.seen.every((s) => s.verdict.reason === 'signature mismatch')).toBe(true);
  });

  it('a missing token_secret is one sentence naming it, before any request', async () => {
    const { token_secret: _unused, ...rest } = ALL;
    const result = await runChecked(['run', file, ...config()], { env: env(rest) }, SECRETS);
    expect(expectOneLineError(result)).toMatch(/token_secret/);
    expect(server.seen).toHaveLength(0);
  });

  it('an unknown signature_method fails validation with file:line:col and the methods allowed', async () => {
    const bad = writeManifest(home, 'suite_bad', MANIFEST.replace('name: suite', 'name: suite_bad').replace('HMAC-SHA256', 'HMAC-MD5'));
    const result = await runChecked(['run', bad, ...config()], { env: cliEnv(home, 'suite_bad', ALL) }, SECRETS);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/connector\.yaml:\d+:\d+/);
    expect(result.stderr).toMatch(/signature_method/);
    expect(result.stderr).toMatch(/HMAC-SHA256/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(server.seen).toHaveLength(0);
  });
});
