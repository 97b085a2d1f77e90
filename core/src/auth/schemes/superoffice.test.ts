import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, AuthScheme, LoginContext, OutgoingRequest } from '../../plugin-api.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  CONTEXT,
  LOGIN,
  PREFIX,
  SYSTEM_TOKEN,
  WEBAPI,
  createIdentityWorld,
  idTokenClaims,
  issueJwt,
  mockAuthenticate,
  mockJwks,
  type AuthenticateCall,
  type IdentityWorld,
} from '../superoffice/__fixtures__/identity-server.js';
import { generateRsaKeyPair, toRsaXml } from '../superoffice/__fixtures__/keys.js';
import { superofficeScheme } from './superoffice.js';

const NOW = new Date('2025-03-01T12:00:00Z');
let world: IdentityWorld;

beforeAll(async () => {
  nock.disableNetConnect();
  world = await createIdentityWorld();
}, 60_000); // RSA key generation: seconds on a loaded 2-core machine
afterEach(() => nock.cleanAll());

function makeContext(overrides: Partial<AuthContext> = {}): AuthContext {
  return {
    connector: 'superoffice',
    connection: 'default',
    options: { environment: 'sod', login_url: LOGIN, system_user: true, scopes: ['openid'] },
    secrets: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      rsa_private_key: world.partner.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
      oauth_refresh_token: 'seed-refresh',
    },
    config: {},
    http: createRuntimeHttpClient({ retry: { limit: 0 } }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => NOW,
    ...overrides,
  };
}

function mockRefresh(idToken: string | undefined, expectRefresh = 'seed-refresh', extra: Record<string, unknown> = {}): nock.Scope {
  return nock(LOGIN)
    .post('/login/common/oauth/tokens', {
      grant_type: 'refresh_token',
      refresh_token: expectRefresh,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    })
    .matchHeader('authorization', (value) => value === undefined)
    .reply(200, { access_token: 'access-1', token_type: 'Bearer', expires_in: 3600, ...(idToken ? { id_token: idToken } : {}), ...extra });
}

async function ticketJwt(overrides: Parameters<typeof issueJwt>[3] = {}): Promise<string> {
  return issueJwt(world, NOW, { [`${PREFIX}ticket`]: '7T:ticket-value', [`${PREFIX}ctx`]: CONTEXT }, { lifetimeSeconds: 6 * 3600, ...overrides });
}

describe('superoffice authenticate with the system user', () => {
  it('refreshes with the seed token, verifies the id_token, signs the system token and keeps the ticket', async () => {
    const calls: AuthenticateCall[] = [];
    const refresh = mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
    mockJwks(world);
    const authenticate = mockAuthenticate(world, NOW, await ticketJwt(), calls);
    const session = await superofficeScheme.authenticate(makeContext());
    expect(session.secrets).toEqual({
      so_ticket: '7T:ticket-value',
      'SO-Apptoken': CLIENT_SECRET,
      oauth_access_token: 'access-1',
      oauth_refresh_token: 'seed-refresh',
      oauth_client_id: CLIENT_ID,
      oauth_client_secret: CLIENT_SECRET,
    });
    expect(session.values).toEqual({ ctx: CONTEXT, webapi_url: WEBAPI, system_token: SYSTEM_TOKEN });
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 6 * 3600_000));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signatureValid).toBe(true);
    expect(calls[0]!.body).toMatchObject({ ApplicationToken: CLIENT_SECRET, ContextIdentifier: CONTEXT, ReturnTokenType: 'JWT' });
    refresh.done();
    authenticate.done();
  });

  it('signs with a key given as RSA XML just as with the PEM', async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
    mockJwks(world);
    const calls: AuthenticateCall[] = [];
    mockAuthenticate(world, NOW, await ticketJwt(), calls);
    const ctx = makeContext();
    ctx.secrets.rsa_private_key = toRsaXml(world.partner.privateKey);
    const session = await superofficeScheme.authenticate(ctx);
    expect(calls[0]!.signatureValid).toBe(true);
    expect(session.secrets.so_ticket).toBe('7T:ticket-value');
  });

  it("prefers the previous session's refresh token over the seed and stores a rotated one", async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims()), 'stored-refresh', { refresh_token: 'rotated-refresh' });
    mockJwks(world);
    mockAuthenticate(world, NOW, await ticketJwt());
    const previous = { secrets: { oauth_refresh_token: 'stored-refresh', so_ticket: 'old' } };
    const session = await superofficeScheme.authenticate(makeContext(), previous);
    expect(session.secrets.oauth_refresh_token).toBe('rotated-refresh');
  });

  it('is refused by the Authenticate endpoint when the partner key is not the registered one', async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
    mockJwks(world);
    const calls: AuthenticateCall[] = [];
    mockAuthenticate(world, NOW, await ticketJwt(), calls);
    const ctx = makeContext();
    ctx.secrets.rsa_private_key = generateRsaKeyPair().privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const error = (await superofficeScheme.authenticate(ctx).catch((e: unknown) => e)) as AuthError;
    expect(calls[0]!.signatureValid).toBe(false);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/refused the system-user login.*Invalid signed system token.*check rsa_private_key/);
  });

  const badIdTokens: Array<[string, () => Promise<string>, RegExp]> = [
    ['expired', () => issueJwt(world, new Date(NOW.getTime() - 7200_000), idTokenClaims()), /id_token has expired/],
    ['for another audience', () => issueJwt(world, NOW, idTokenClaims(), { audience: 'someone-else' }), /id_token is not for this client_id/],
    ['signed by a key outside the jwks', () => issueJwt(world, NOW, idTokenClaims(), { key: generateRsaKeyPair() }), /signature that does not verify/],
    [
      'tampered with',
      async () => {
        const [header, payload, signature] = (await issueJwt(world, NOW, idTokenClaims())).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        claims[`${PREFIX}ctx`] = 'Cust99999';
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      },
      /signature that does not verify/,
    ],
  ];
  for (const [name, makeToken, message] of badIdTokens) {
    it(`rejects an id_token ${name} before any system-user login`, async () => {
      mockRefresh(await makeToken());
      mockJwks(world);
      const authenticate = mockAuthenticate(world, NOW, await ticketJwt());
      await expect(superofficeScheme.authenticate(makeContext())).rejects.toThrow(message);
      expect(authenticate.isDone()).toBe(false);
    });
  }

  // Issue 9: SuperOffice issues the ticket JWT with aud = "spn:<client_id>"; the bare id is accepted too.
  for (const audience of [`spn:${CLIENT_ID}`, CLIENT_ID]) {
    it(`accepts a ticket JWT whose aud is ${audience}`, async () => {
      mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
      mockJwks(world);
      mockAuthenticate(world, NOW, await ticketJwt({ audience }));
      const session = await superofficeScheme.authenticate(makeContext());
      expect(session.secrets.so_ticket).toBe('7T:ticket-value');
    });
  }

  it('accepts only the bare client_id as the id_token aud', async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims(), { audience: `spn:${CLIENT_ID}` }));
    mockJwks(world);
    const authenticate = mockAuthenticate(world, NOW, await ticketJwt());
    await expect(superofficeScheme.authenticate(makeContext())).rejects.toThrow(/id_token is not for this client_id/);
    expect(authenticate.isDone()).toBe(false);
  });

  const badTickets: Array<[string, Parameters<typeof issueJwt>[3], RegExp]> = [
    ['expired', { lifetimeSeconds: -60 }, /ticket has expired/],
    ['for another audience', { audience: 'other' }, /ticket is not for this client_id/],
    ['for spn: of another client', { audience: 'spn:other' }, /ticket is not for this client_id/],
    ['for spn: with no client', { audience: 'spn:' }, /ticket is not for this client_id/],
    ['for a client_id with a suffix', { audience: `spn:${CLIENT_ID}x` }, /ticket is not for this client_id/],
    ['for spn:spn:<client_id>', { audience: `spn:spn:${CLIENT_ID}` }, /ticket is not for this client_id/],
    ['signed by an unknown key', { kid: 'unknown-kid' }, /key that is not in the login server's key set/],
  ];
  for (const [name, overrides, message] of badTickets) {
    it(`rejects a ticket JWT ${name}`, async () => {
      mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
      mockJwks(world);
      mockAuthenticate(world, NOW, await ticketJwt(overrides));
      await expect(superofficeScheme.authenticate(makeContext())).rejects.toThrow(message);
    });
  }

  it('reports invalid_grant with what to do, without secret values', async () => {
    nock(LOGIN).post('/login/common/oauth/tokens').reply(400, { error: 'invalid_grant', error_description: 'Refresh token expired' });
    const error = (await superofficeScheme.authenticate(makeContext()).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.providerError).toBe('invalid_grant');
    expect(error.message).toContain('invalid_grant: Refresh token expired');
    expect(error.message).toContain('connectors auth login superoffice');
    for (const secret of [CLIENT_SECRET, 'seed-refresh']) expect(error.message).not.toContain(secret);
  });

  it('asks for a login when there is no refresh token at all', async () => {
    const ctx = makeContext();
    delete ctx.secrets.oauth_refresh_token;
    await expect(superofficeScheme.authenticate(ctx)).rejects.toThrow(/no SuperOffice refresh token yet; run connectors auth login superoffice/);
  });

  it('needs rsa_private_key for the system user', async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
    mockJwks(world);
    const ctx = makeContext();
    delete ctx.secrets.rsa_private_key;
    await expect(superofficeScheme.authenticate(ctx)).rejects.toThrow(/needs the rsa_private_key secret/);
  });

  it('reuses the claims of the previous session when a refresh answer has no id_token', async () => {
    mockRefresh(undefined);
    mockJwks(world);
    const calls: AuthenticateCall[] = [];
    mockAuthenticate(world, NOW, await ticketJwt(), calls);
    const previous = { secrets: {}, values: { ctx: CONTEXT, webapi_url: WEBAPI, system_token: SYSTEM_TOKEN } };
    const session = await superofficeScheme.authenticate(makeContext(), previous);
    expect(session.values).toEqual(previous.values);
    expect(calls[0]!.signatureValid).toBe(true);
  });
});

describe('superoffice without the system user', () => {
  it('keeps the access token, expires with it, and applies Bearer plus SO-AppToken', async () => {
    mockRefresh(await issueJwt(world, NOW, idTokenClaims()));
    mockJwks(world);
    const ctx = makeContext({ options: { login_url: LOGIN, system_user: false } });
    const session = await superofficeScheme.authenticate(ctx);
    expect(session.secrets.so_ticket).toBeUndefined();
    expect(session.expiresAt).toEqual(new Date(NOW.getTime() + 3600_000));
    const request: OutgoingRequest = { method: 'GET', url: new URL(`${WEBAPI}v1/Contact`), headers: {} };
    await (superofficeScheme as AuthScheme).apply(request, session, ctx);
    expect(request.headers).toEqual({ authorization: 'Bearer access-1', 'SO-AppToken': CLIENT_SECRET });
  });
});

describe('superoffice apply', () => {
  it('sends Authorization: SOTicket <so_ticket> and SO-AppToken: <client_secret>', async () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL(`${WEBAPI}v1/Contact`), headers: {} };
    await (superofficeScheme as AuthScheme).apply(request, { secrets: { so_ticket: '7T:abc', 'SO-Apptoken': CLIENT_SECRET, oauth_access_token: 'a' } }, makeContext());
    expect(request.headers).toEqual({ authorization: 'SOTicket 7T:abc', 'SO-AppToken': CLIENT_SECRET });
  });
});

describe('superoffice login', () => {
  it('runs the authorization-code flow with PKCE and state, then builds the session', async () => {
    let challenge = '';
    const tokens = nock(LOGIN)
      .post('/login/common/oauth/tokens', (body: Record<string, string>) => {
        const verifierMatches = createHash('sha256').update(body.code_verifier ?? '').digest('base64url') === challenge;
        return (
          verifierMatches &&
          body.grant_type === 'authorization_code' &&
          body.code === 'the-code' &&
          body.redirect_uri === 'http://127.0.0.1:5555/callback' &&
          body.client_id === CLIENT_ID &&
          body.client_secret === CLIENT_SECRET
        );
      })
      .reply(200, { access_token: 'access-2', refresh_token: 'first-refresh', expires_in: 3600, id_token: await issueJwt(world, NOW, idTokenClaims()) });
    mockJwks(world);
    mockAuthenticate(world, NOW, await ticketJwt());
    const ctx: LoginContext = {
      ...makeContext(),
      redirectUri: 'http://127.0.0.1:5555/callback',
      async authorize(url, expectedState) {
        expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN}/login/common/oauth/authorize`);
        expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
        expect(url.searchParams.get('response_type')).toBe('code');
        expect(url.searchParams.get('scope')).toBe('openid');
        expect(url.searchParams.get('code_challenge_method')).toBe('S256');
        expect(url.searchParams.get('state')).toBe(expectedState);
        challenge = url.searchParams.get('code_challenge') ?? '';
        return new URLSearchParams({ code: 'the-code', state: expectedState });
      },
    };
    const session = await superofficeScheme.login!(ctx);
    expect(session.secrets.oauth_refresh_token).toBe('first-refresh');
    expect(session.secrets.so_ticket).toBe('7T:ticket-value');
    tokens.done();
  });

  it('refuses a callback with another state or an error, without exchanging a code', async () => {
    const tokens = nock(LOGIN).post('/login/common/oauth/tokens').reply(200, {});
    const base = { ...makeContext(), redirectUri: 'http://127.0.0.1:5555/callback' };
    await expect(
      superofficeScheme.login!({ ...base, authorize: async () => new URLSearchParams({ code: 'c', state: 'forged' }) }),
    ).rejects.toThrow(/wrong state/);
    await expect(
      superofficeScheme.login!({ ...base, authorize: async () => new URLSearchParams({ error: 'access_denied', error_description: 'User said no' }) }),
    ).rejects.toThrow(/access_denied: User said no/);
    expect(tokens.isDone()).toBe(false);
  });
});

describe('superoffice token answers', () => {
  it('reports a 200 answer without access_token as it is, not as a refusal', async () => {
    nock(LOGIN).post('/login/common/oauth/tokens').reply(200, { token_type: 'Bearer' });
    await expect(superofficeScheme.authenticate(makeContext())).rejects.toThrow(/without a valid access_token/);
  });

  it('names invalid_client on a refused authorization with the credentials to check', async () => {
    nock(LOGIN).post('/login/common/oauth/tokens').reply(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    await expect(superofficeScheme.authenticate(makeContext())).rejects.toThrow(
      /SuperOffice refused the refresh_token grant \(status 401, invalid_client: Client authentication failed\.\); check client_id and client_secret/,
    );
  });

  it('keeps "check client_id and client_secret" as the hint, which survives the renewal wrapper (issue 6)', async () => {
    nock(LOGIN).post('/login/common/oauth/tokens').reply(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const error = await superofficeScheme.authenticate(makeContext()).catch((caught: unknown) => caught);
    expect((error as { hint?: string }).hint).toMatch(/^Check client_id and client_secret \(connectors secrets set \S+ client_secret\)\.$/);
  });
});
