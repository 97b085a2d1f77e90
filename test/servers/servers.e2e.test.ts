// Self-tests of the local vendor servers: each behaves as its vendor documents, so the
// end-to-end tests of the CLI can trust them.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoServer } from './demo-api.js';
import { startHubspotServer } from './hubspot.js';
import { startJiraServer } from './jira.js';
import { startPokeapiServer } from './pokeapi.js';
import { decodeJwtClaims, signSystemToken } from './rs256.js';
import { startSuperofficeServer } from './superoffice.js';
import { startTripletexServer } from './tripletex.js';
import { startWebcrmServer } from './webcrm.js';
import { startWorkfrontServer } from './workfront.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const s = await server;
  closers.push(() => s.close());
  return s;
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const CLAIM = 'http://schemes.superoffice.net/identity/';

/** Verifies an RS256 JWT against a JWKS document; returns its claims. */
function verifyWithJwks(jwt: string, jwks: { keys: Array<Record<string, string>> }): Record<string, unknown> {
  const [head, body, sig] = jwt.split('.');
  const { kid } = JSON.parse(Buffer.from(head!, 'base64url').toString());
  const jwk = jwks.keys.find((k) => k.kid === kid);
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  expect(createVerify('RSA-SHA256').update(`${head}.${body}`).verify(key, Buffer.from(sig!, 'base64url'))).toBe(true);
  return decodeJwtClaims(jwt);
}

describe('demo-api', () => {
  async function token(url: string, init: RequestInit) {
    return fetch(`${url}/oauth/token`, { method: 'POST', ...init });
  }

  it('issues client_credentials tokens to client_secret_basic and client_secret_post, refuses a wrong client', async () => {
    const s = await started(startDemoServer({ tokenLifetime: 120 }));
    const viaBasic = await token(s.url, { headers: { authorization: basic('demo', 'demo-secret') }, body: form({ grant_type: 'client_credentials' }) });
    expect(await viaBasic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 120 });
    expect(s.state.lastClientAuth).toBe('client_secret_basic');
    const viaPost = await token(s.url, { body: form({ grant_type: 'client_credentials', client_id: 'demo', client_secret: 'demo-secret' }) });
    expect(viaPost.status).toBe(200);
    expect(s.state.lastClientAuth).toBe('client_secret_post');
    const wrong = await token(s.url, { headers: { authorization: basic('demo', 'nope') }, body: form({ grant_type: 'client_credentials' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    expect(s.state).toMatchObject({ tokenRequests: 3, tokensIssued: 2 });
  });

  it('pages customers, pages and filters orders by cursor, and answers 401 without a valid token', async () => {
    const s = await started(startDemoServer({ customers: 60, orders: 130 }));
    const { access_token } = await (await token(s.url, { headers: { authorization: basic('demo', 'demo-secret') }, body: form({ grant_type: 'client_credentials' }) })).json();
    const auth = { authorization: `Bearer ${access_token}` };
    expect((await fetch(`${s.url}/customers`)).status).toBe(401);
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const body = await (await fetch(`${s.url}/customers?page=${page}&per_page=25`, { headers: auth })).json();
      ids.push(...body.data.map((c: { id: number }) => c.id));
      if (body.data.length < 25) break;
    }
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    let cursor: string | null = null;
    const orders: Array<{ updated_at: string }> = [];
    do {
      const body: { data: Array<{ updated_at: string }>; next_cursor: string | null } = await (await fetch(`${s.url}/orders?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth })).json();
      orders.push(...body.data);
      cursor = body.next_cursor;
    } while (cursor);
    expect(orders).toHaveLength(130);
    s.addOrders(3);
    const since = orders.at(-1)!.updated_at;
    const fresh = await (await fetch(`${s.url}/orders?updated_since=${since}`, { headers: auth })).json();
    expect(fresh.data.map((o: { id: number }) => o.id)).toEqual([131, 132, 133]);
  });

  it('injects 429 with Retry-After, 500, forced 401s and expired tokens', async () => {
    const s = await started(startDemoServer({ tokenLifetime: 0 }));
    const { access_token } = await (await token(s.url, { body: form({ grant_type: 'client_credentials', client_id: 'demo', client_secret: 'demo-secret' }) })).json();
    expect((await fetch(`${s.url}/customers`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(401);
    s.state.tokenLifetime = 3600;
    const fresh = (await (await token(s.url, { body: form({ grant_type: 'client_credentials', client_id: 'demo', client_secret: 'demo-secret' }) })).json()).access_token;
    const auth = { authorization: `Bearer ${fresh}` };
    Object.assign(s.state, { failNext: 1, failStatus: 429, retryAfter: 2 });
    const limited = await fetch(`${s.url}/customers`, { headers: auth });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    Object.assign(s.state, { failNext: 1, failStatus: 500, force401Next: 1 });
    expect((await fetch(`${s.url}/customers`, { headers: auth })).status).toBe(500);
    expect((await fetch(`${s.url}/customers`, { headers: auth })).status).toBe(401);
    expect((await fetch(`${s.url}/customers`, { headers: auth })).status).toBe(200);
  });

  it('serves from its command line until killed', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [fileURLToPath(new URL('./demo-api.js', import.meta.url)), '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    closers.push(async () => { child.kill('SIGTERM'); });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(line).toContain(`http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/customers`)).status).toBe(401);
  });
});

describe('tripletex', () => {
  const session = (url: string, q: Record<string, string>) =>
    fetch(`${url}/v2/token/session/:create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) });
  const legacySession = (url: string, q: Record<string, string>) => fetch(`${url}/v2/token/session/:create?${form(q)}`, { method: 'PUT' });
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const tokens = { consumerToken: 'test-consumer-token', employeeToken: 'test-employee-token' };

  it('creates sessions only from the right tokens and a valid expirationDate', async () => {
    const s = await started(startTripletexServer());
    const wrong = await session(s.url, { ...tokens, consumerToken: 'x', expirationDate: tomorrow() });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ status: 403, code: 9000 });
    const past = await session(s.url, { ...tokens, expirationDate: '2020-01-01' });
    expect(past.status).toBe(422);
    const created = await session(s.url, { ...tokens, expirationDate: tomorrow() });
    expect(created.status).toBe(201);
    expect((await created.json()).value).toMatchObject({ expirationDate: tomorrow(), token: expect.any(String) });
    const legacy = await legacySession(s.url, { ...tokens, expirationDate: tomorrow() });
    expect(legacy.status).toBe(200);
    expect((await legacy.json()).value).toMatchObject({ expirationDate: tomorrow(), token: expect.any(String) });
    expect((await fetch(`${s.url}/v2/token/session/:create`, { method: 'POST', body: 'consumerToken=x' })).status).toBe(400);
    expect(s.state).toMatchObject({ sessionRequests: 5, sessionsCreated: 2 });
  });

  for (const status of [404, 405]) {
    it(`with sessionPostStatus ${status} serves only the legacy PUT`, async () => {
      const s = await started(startTripletexServer({ sessionPostStatus: status }));
      expect((await session(s.url, { ...tokens, expirationDate: tomorrow() })).status).toBe(status);
      expect((await legacySession(s.url, { ...tokens, expirationDate: tomorrow() })).status).toBe(200);
      expect(s.state).toMatchObject({ sessionRequests: 1, sessionsCreated: 1 });
    });
  }

  it('pages with from/count under Basic <company>:<token>, checks required dates, filters changedSince, 401s as Tripletex', async () => {
    const s = await started(startTripletexServer({ counts: { customer: 2500 } }));
    const { value } = await (await session(s.url, { consumerToken: 'test-consumer-token', employeeToken: 'test-employee-token', expirationDate: tomorrow() })).json();
    const auth = { authorization: basic('0', value.token) };
    const pages = [];
    for (let from = 0; ; from += 1000) {
      const body = await (await fetch(`${s.url}/v2/customer?from=${from}&count=1000`, { headers: auth })).json();
      expect(body).toMatchObject({ fullResultSize: 2500, from, versionDigest: expect.any(String) });
      pages.push(body.count);
      if (body.count < 1000) break;
    }
    expect(pages).toEqual([1000, 1000, 500]);
    expect((await fetch(`${s.url}/v2/invoice`, { headers: auth })).status).toBe(422);
    const invoices = await (await fetch(`${s.url}/v2/invoice?invoiceDateFrom=2024-01-01&invoiceDateTo=2024-01-10`, { headers: auth })).json();
    expect(invoices.values.every((i: { invoiceDate: string }) => i.invoiceDate >= '2024-01-01' && i.invoiceDate < '2024-01-10')).toBe(true);
    const before = new Date().toISOString();
    s.addRecords('customer', 2);
    const changed = await (await fetch(`${s.url}/v2/customer?changedSince=${before}`, { headers: auth })).json();
    expect(changed.values.map((c: { id: number }) => c.id)).toEqual([2501, 2502]);
    expect((await fetch(`${s.url}/v2/customer`, { headers: { authorization: basic('999', value.token) } })).status).toBe(401);
    s.revokeSessions();
    const refused = await fetch(`${s.url}/v2/customer`, { headers: auth });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ status: 401, code: 3000, message: 'Unauthorized' });
  });
});

describe('webcrm', () => {
  it('logs in with the form field authCode, refreshes with the refreshToken header (rotating), pages Page/Size', async () => {
    const s = await started(startWebcrmServer({ counts: { Organisations: 1500 } }));
    expect((await fetch(`${s.url}/Auth/ApiLogin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"authCode":"test-webcrm-auth-code"}' })).status).toBe(415);
    const bad = await fetch(`${s.url}/Auth/ApiLogin`, { method: 'POST', body: form({ authCode: 'nope' }) });
    expect([bad.status, (await bad.json()).IsError]).toEqual([401, true]);
    const login = await (await fetch(`${s.url}/Auth/ApiLogin`, { method: 'POST', body: form({ authCode: 'test-webcrm-auth-code' }) })).json();
    expect(login).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, IsError: false });
    expect(decodeJwtClaims(login.AccessToken).exp).toBeGreaterThan(Date.now() / 1000);
    const refreshed = await (await fetch(`${s.url}/Auth/ApiRefresh`, { method: 'POST', headers: { refreshToken: login.RefreshToken } })).json();
    expect(refreshed.RefreshToken).not.toBe(login.RefreshToken);
    expect((await fetch(`${s.url}/Auth/ApiRefresh`, { method: 'POST', headers: { refreshToken: login.RefreshToken } })).status).toBe(401);
    expect(s.state).toMatchObject({ logins: 1, refreshes: 1, failedRefreshes: 1, failedLogins: 1 });
    const auth = { authorization: `Bearer ${refreshed.AccessToken}` };
    const page2 = await (await fetch(`${s.url}/Organisations?Page=2&Size=1000`, { headers: auth })).json();
    expect([page2.length, page2[0].OrganisationId]).toEqual([500, 1001]);
    expect((await fetch(`${s.url}/Organisations?Size=1001`, { headers: auth })).status).toBe(400);
    s.expireAccessTokens();
    const expired = await fetch(`${s.url}/Persons`, { headers: auth });
    expect([expired.status, expired.headers.get('www-authenticate')]).toEqual([401, 'Bearer error="invalid_token"']);
  });

  it('can leave ExpiresIn out so clients read the JWT exp', async () => {
    const s = await started(startWebcrmServer({ omitExpiresIn: true, tokenLifetime: 90 }));
    const login = await (await fetch(`${s.url}/Auth/ApiLogin`, { method: 'POST', body: form({ authCode: 'test-webcrm-auth-code' }) })).json();
    expect(login.ExpiresIn).toBeNull();
    expect(Number(decodeJwtClaims(login.AccessToken).exp) - Date.now() / 1000).toBeGreaterThan(80);
  });
});

describe('hubspot', () => {
  it('runs the authorization-code flow with PKCE, refreshes (rotation optional) and pages with after', async () => {
    const s = await started(startHubspotServer({ counts: { contacts: 250 }, rotateRefreshToken: true }));
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://127.0.0.1:9/callback';
    const approve = await fetch(`${s.url}/oauth/authorize?${form({ client_id: 'test-hubspot-client', redirect_uri: redirect, scope: 'oauth', state: 'st8', code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st8');
    const client = { client_id: 'test-hubspot-client', client_secret: 'test-hubspot-secret' };
    const bad = await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', body: form({ ...client, grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirect, code_verifier: 'wrong' }) });
    expect(await bad.json()).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant' });
    const tokens = await (await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', body: form({ ...client, grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirect, code_verifier: verifier }) })).json();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
    const rotated = await (await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', body: form({ ...client, grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) })).json();
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    const stale = await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', body: form({ ...client, grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) });
    expect([stale.status, (await stale.json()).status]).toEqual([400, 'BAD_REFRESH_TOKEN']);
    const auth = { authorization: `Bearer ${rotated.access_token}` };
    let after: string | undefined;
    let count = 0;
    do {
      const body = await (await fetch(`${s.url}/crm/v3/objects/contacts?limit=100${after ? `&after=${after}` : ''}`, { headers: auth })).json();
      count += body.results.length;
      after = body.paging?.next?.after;
    } while (after);
    expect(count).toBe(250);
    s.expireAccessTokens();
    expect(await (await fetch(`${s.url}/crm/v3/objects/deals`, { headers: auth })).json()).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
  });

  it('keeps the refresh token by default and wants client credentials in the body', async () => {
    const s = await started(startHubspotServer());
    const viaBasic = await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', headers: { authorization: basic('test-hubspot-client', 'test-hubspot-secret') }, body: form({ grant_type: 'refresh_token', refresh_token: 'test-hubspot-refresh-token' }) });
    expect(await viaBasic.json()).toMatchObject({ status: 'BAD_CLIENT_ID' });
    const ok = await (await fetch(`${s.url}/oauth/v1/token`, { method: 'POST', body: form({ grant_type: 'refresh_token', refresh_token: 'test-hubspot-refresh-token', client_id: 'test-hubspot-client', client_secret: 'test-hubspot-secret' }) })).json();
    expect(ok.refresh_token).toBe('test-hubspot-refresh-token');
  });
});

describe('superoffice', () => {
  it('issues verifiable id_tokens and system-user tickets, and serves OData pages to SOTicket + SO-AppToken', async () => {
    const s = await started(startSuperofficeServer({ counts: { Contact: 450 } }));
    const jwks = await (await fetch(`${s.url}/login/.well-known/jwks`)).json();
    const tokens = await (await fetch(`${s.url}/login/common/oauth/tokens`, { method: 'POST', body: form({ grant_type: 'refresh_token', refresh_token: 'test-so-refresh-token', client_id: 'test-so-client', client_secret: 'test-so-app-token' }) })).json();
    expect(tokens.refresh_token).toBeUndefined();
    const claims = verifyWithJwks(tokens.id_token, jwks);
    expect(claims).toMatchObject({ aud: 'test-so-client', [`${CLAIM}ctx`]: 'Cust12345', [`${CLAIM}webapi_url`]: s.webapiUrl, [`${CLAIM}system_token`]: 'Test-SystemToken-1' });
    const authenticate = (body: Record<string, unknown>) => fetch(`${s.url}/Login/api/PartnerSystemUser/Authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const good = { SignedSystemToken: signSystemToken('Test-SystemToken-1', s.partnerKeys!.privateKeyPem), ApplicationToken: 'test-so-app-token', ContextIdentifier: 'Cust12345', ReturnTokenType: 'JWT' };
    expect(await authenticate({ ...good, SignedSystemToken: signSystemToken('Test-SystemToken-1', s.partnerKeys!.privateKeyPem, new Date(Date.now() - 3_600_000)) })).toMatchObject({ IsSuccessful: false });
    expect(await authenticate({ ...good, ApplicationToken: 'wrong' })).toMatchObject({ IsSuccessful: false, ErrorMessage: 'Invalid application token.' });
    const answer = await authenticate(good);
    expect(answer.IsSuccessful).toBe(true);
    const ticketClaims = verifyWithJwks(answer.Token, jwks);
    expect(ticketClaims.aud).toBe('spn:test-so-client');
    const ticket = String(ticketClaims[`${CLAIM}ticket`]);
    expect(ticket).toMatch(/^7T:/);
    expect((await fetch(`${s.webapiUrl}v1/Contact`, { headers: { authorization: `SOTicket ${ticket}` } })).status).toBe(401);
    let next: string | undefined = `${s.webapiUrl}v1/Contact?$top=200`;
    let rows = 0;
    while (next) {
      const body: { value: unknown[]; 'odata.nextLink'?: string } = await (await fetch(next, { headers: { authorization: `SOTicket ${ticket}`, 'SO-AppToken': 'test-so-app-token' } })).json();
      rows += body.value.length;
      next = body['odata.nextLink'];
    }
    expect(rows).toBe(450);
    expect(s.state).toMatchObject({ systemUserLogins: 1, failedSystemUserLogins: 2, refreshGrants: 1 });
    s.revokeTickets();
    expect((await fetch(`${s.webapiUrl}v1/Person`, { headers: { authorization: `SOTicket ${ticket}`, 'SO-AppToken': 'test-so-app-token' } })).status).toBe(401);
  });

  it('exchanges an authorization code and rotates refresh tokens when asked', async () => {
    const s = await started(startSuperofficeServer({ rotateRefreshToken: true }));
    const approve = await fetch(`${s.url}/login/common/oauth/authorize?${form({ client_id: 'test-so-client', redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', state: 'x' })}`, { redirect: 'manual' });
    const code = new URL(approve.headers.get('location')!).searchParams.get('code')!;
    const client = { client_id: 'test-so-client', client_secret: 'test-so-app-token' };
    const first = await (await fetch(`${s.url}/login/common/oauth/tokens`, { method: 'POST', body: form({ ...client, grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb' }) })).json();
    const second = await (await fetch(`${s.url}/login/common/oauth/tokens`, { method: 'POST', body: form({ ...client, grant_type: 'refresh_token', refresh_token: first.refresh_token }) })).json();
    expect(second.refresh_token).toEqual(expect.any(String));
    const reused = await fetch(`${s.url}/login/common/oauth/tokens`, { method: 'POST', body: form({ ...client, grant_type: 'refresh_token', refresh_token: first.refresh_token }) });
    expect([reused.status, (await reused.json()).error]).toEqual([400, 'invalid_grant']);
    expect(s.partnerKeys!.privateKeyXml).toMatch(/^<RSAKeyValue><Modulus>/);
  });
});

describe('workfront', () => {
  it('takes apiKey from the query (or header), pages $$FIRST/$$LIMIT and filters lastUpdateDate', async () => {
    const s = await started(startWorkfrontServer({ counts: { PROJ: 4500 } }));
    const refused = await fetch(`${s.url}/attask/api/v22.0/PROJ/search?apiKey=wrong`);
    expect([refused.status, (await refused.json()).error.class]).toEqual([401, 'com.attask.common.AuthenticationException']);
    const sizes = [];
    for (let first = 0; ; first += 2000) {
      const { data } = await (await fetch(`${s.url}/attask/api/v22.0/proj/search?apiKey=test-workfront-api-key&$$FIRST=${first}&$$LIMIT=2000&fields=lastUpdateDate`)).json();
      sizes.push(data.length);
      if (data.length < 2000) break;
    }
    expect(sizes).toEqual([2000, 2000, 500]);
    expect((await fetch(`${s.url}/attask/api/v22.0/PROJ/search?$$LIMIT=2001`, { headers: { apiKey: 'test-workfront-api-key' } })).status).toBe(422);
    const last = s.state.data.PROJ!.at(-1)!.lastUpdateDate;
    s.addRecords('PROJ', 2);
    const { data } = await (await fetch(`${s.url}/attask/api/v22.0/PROJ/search?lastUpdateDate=${encodeURIComponent(last)}&lastUpdateDate_Mod=gt&fields=lastUpdateDate`, { headers: { apiKey: 'test-workfront-api-key' } })).json();
    expect(data).toHaveLength(2);
    expect(s.state.requests.at(-1)!.keyIn).toBe('header');
  });
});

describe('jira', () => {
  it('wants Basic email:token, pages issues by nextPageToken and projects by startAt', async () => {
    const s = await started(startJiraServer({ counts: { issues: 230, projects: 60 } }));
    const auth = { authorization: basic('bot@example.com', 'test-jira-api-token') };
    expect((await fetch(`${s.url}/rest/api/3/myself`, { headers: { authorization: basic('bot@example.com', 'x') } })).status).toBe(401);
    expect((await fetch(`${s.url}/rest/api/3/search/jql?jql=ORDER%20BY%20updated`, { headers: auth })).status).toBe(400);
    let token: string | undefined;
    let issues = 0;
    do {
      const body = await (await fetch(`${s.url}/rest/api/3/search/jql?jql=project%3DPRJ&maxResults=100${token ? `&nextPageToken=${token}` : ''}`, { headers: auth })).json();
      issues += body.issues.length;
      token = body.nextPageToken;
    } while (token);
    expect(issues).toBe(230);
    const page = await (await fetch(`${s.url}/rest/api/3/project/search?startAt=50&maxResults=50`, { headers: auth })).json();
    expect(page).toMatchObject({ startAt: 50, total: 60, isLast: true });
    expect(page.values).toHaveLength(10);
  });
});

describe('pokeapi', () => {
  it('follows next URLs without auth and can send Link headers', async () => {
    const s = await started(startPokeapiServer({ counts: { pokemon: 151 }, link: true }));
    let next: string | null = `${s.url}/api/v2/pokemon/?limit=100`;
    const names: string[] = [];
    let link: string | null = null;
    while (next) {
      const res: Response = await fetch(next);
      link ??= res.headers.get('link');
      const body: { next: string | null; results: Array<{ name: string }> } = await res.json();
      names.push(...body.results.map((r) => r.name));
      next = body.next;
    }
    expect(names).toHaveLength(151);
    expect(link).toMatch(/rel="next"/);
    expect((await fetch(`${s.url}/api/v2/nothing/`)).status).toBe(404);
  });
});
