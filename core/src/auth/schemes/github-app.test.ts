import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { getSchemeOptionsValidator } from '../../schema/validators.js';
import { APP_JWT_LIFETIME_SECONDS } from '../github-app/app-jwt.js';
import { builtInSchemes } from './index.js';
import { githubAppScheme } from './github-app.js';

const NOW = new Date('2026-02-03T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const API = 'https://api.github.com';
const TOKEN_PATH = '/app/installations/4242/access_tokens';
const EXPIRES_AT = '2026-02-03T11:00:00Z';

let publicKey: KeyObject;
let pkcs1: string;
let pkcs8: string;

beforeAll(() => {
  nock.disableNetConnect();
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = pair.publicKey;
  pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
});
afterEach(() => {
  nock.cleanAll();
});

function makeContext(options: Record<string, unknown>, overrides: Partial<AuthContext> = {}): AuthContext {
  return {
    connector: 'github',
    connection: 'default',
    options: { installation_id: '{{ config.installation_id }}', api_url: API, ...options },
    secrets: { private_key: pkcs1 },
    config: { installation_id: 4242 },
    http: createRuntimeHttpClient({ retry: { limit: 0 } }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => NOW,
    ...overrides,
  };
}

/** Verifies the app JWT with the public key and returns its claims. */
async function verifyAppJwt(authorization: string | undefined): Promise<Record<string, unknown>> {
  const jwt = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT' });
  const { payload } = await jwtVerify(jwt, publicKey, { algorithms: ['RS256'], currentDate: NOW });
  return payload as Record<string, unknown>;
}

/** Answers the token request with 201 and records what it was sent. */
function expectTokenRequest(path = TOKEN_PATH, answer: Record<string, unknown> = { token: 'ghs_installation1', expires_at: EXPIRES_AT }, base = API) {
  const seen: { headers: Record<string, string | string[] | undefined>; body: unknown }[] = [];
  const scope = nock(base)
    .post(path)
    .reply(function (_uri, body) {
      seen.push({ headers: this.req.headers, body });
      return [201, answer];
    });
  return { scope, seen };
}

async function authError(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('github_app scheme', () => {
  it('is built in and needs only the private_key secret', () => {
    expect(builtInSchemes).toContain(githubAppScheme);
    expect(githubAppScheme.requiredSecrets.map((s) => s.name)).toEqual(['private_key']);
    expect(githubAppScheme.requiredSecretsFor!({ app_id: 1 }).map((s) => [s.name, s.optional === true])).toEqual([['private_key', false]]);
  });

  it('signs the app JWT with a PKCS#1 key (iss = app id, iat = now - 60, exp = iat + 600) and sends GitHub headers', async () => {
    const { scope, seen } = expectTokenRequest();
    const session = await githubAppScheme.authenticate(makeContext({ app_id: 123456 }));
    scope.done();
    const [request] = seen;
    expect(request!.headers.accept).toBe('application/vnd.github+json');
    expect(request!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(request!.body).toBe('');
    const claims = await verifyAppJwt(request!.headers.authorization as string);
    expect(claims.iss).toBe('123456');
    expect(claims.iat).toBe(NOW_S - 60);
    expect(claims.exp).toBe(NOW_S - 60 + APP_JWT_LIFETIME_SECONDS);
    expect((claims.exp as number) - NOW_S).toBeLessThanOrEqual(600);
    expect(session).toEqual({
      secrets: { github_installation_token: 'ghs_installation1' },
      expiresAt: new Date(EXPIRES_AT),
      issuedAt: NOW,
      values: { installation_id: '4242' },
    });
  });

  it('reads a PKCS#8 key and a one-line PEM with \\n escapes alike', async () => {
    for (const key of [pkcs8, pkcs1.trim().replace(/\n/g, '\\n')]) {
      const { scope, seen } = expectTokenRequest();
      await githubAppScheme.authenticate(makeContext({ app_id: '99' }, { secrets: { private_key: key } }));
      scope.done();
      expect((await verifyAppJwt(seen[0]!.headers.authorization as string)).iss).toBe('99');
    }
  });

  it('renders app_id and installation_id from config, and sends permissions and repositories to a GitHub Enterprise api_url', async () => {
    const ghe = 'https://github.example.com';
    const { scope, seen } = expectTokenRequest('/api/v3/app/installations/777/access_tokens', { token: 'ghs_ghe', expires_at: EXPIRES_AT, repository_selection: 'selected' }, ghe);
    const ctx = makeContext(
      { app_id: '{{ config.app_id }}', installation_id: '{{ config.inst }}', api_url: `${ghe}/api/v3/`, permissions: { contents: 'read', issues: 'write' }, repositories: ['api', 'web'] },
      { config: { app_id: 'Iv23liCLIENTID', inst: '777' } },
    );
    const session = await githubAppScheme.authenticate(ctx);
    scope.done();
    expect(seen[0]!.body).toEqual({ permissions: { contents: 'read', issues: 'write' }, repositories: ['api', 'web'] });
    expect(seen[0]!.headers['content-type']).toMatch(/application\/json/);
    expect((await verifyAppJwt(seen[0]!.headers.authorization as string)).iss).toBe('Iv23liCLIENTID');
    expect(session.values).toEqual({ installation_id: '777', repository_selection: 'selected' });
  });

  it('puts the installation token on requests as a bearer', async () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL(`${API}/installation/repositories`), headers: {} };
    await githubAppScheme.apply(request, { secrets: { github_installation_token: 'ghs_abc' } }, makeContext({ app_id: 1 }));
    expect(request.headers.authorization).toBe('Bearer ghs_abc');
  });

  it('without an installation id says to run connectors config set, before any request', async () => {
    const scope = nock(API).post(/.*/).reply(201, {});
    const error = await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 }, { config: {} })));
    expect(error.message).toContain('`connectors config set github installation_id VALUE`');
    expect(error.message.split('. ').length).toBe(1);
    const staging = await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 }, { config: { installation_id: '' }, connection: 'staging' })));
    expect(staging.message).toContain('`connectors config set github installation_id VALUE --connection staging`');
    expect(scope.isDone()).toBe(false);
  });

  it('refuses an installation id that is not a number, and an app_id template with no value', async () => {
    const bad = await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 }, { config: { installation_id: 'acme-org' } })));
    expect(bad.message).toMatch(/"acme-org", not a number; set it with `connectors config set github installation_id VALUE`/);
    const noApp = await authError(githubAppScheme.authenticate(makeContext({ app_id: '{{ config.app_id }}' })));
    expect(noApp.message).toContain('has no app ID; set it with `connectors config set github app_id VALUE`');
  });

  it('refuses a private key that is not a PEM key, a PEM that does not parse, and a non-RSA key, without showing it', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const garbage = '-----BEGIN RSA PRIVATE KEY-----\nTm90QUtleUF0QWxsU2VjcmV0VmFsdWU=\n-----END RSA PRIVATE KEY-----\n';
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const cases: Array<[string, RegExp]> = [
      ['ghp_notapemsecretvalue', /is not a PEM private key/],
      [garbage, /cannot be read as a PEM private key/],
      [publicPem, /cannot be read as a PEM private key/],
      [ec, /is a ec key, not the RSA key of a GitHub App/],
    ];
    for (const [key, reason] of cases) {
      const error = await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 }, { secrets: { private_key: key } })));
      expect(error.message).toMatch(reason);
      expect(error.message).toContain('connectors secrets set github private_key');
      expect(error.message).not.toContain('Tm90QUtleUF0');
      expect(error.message).not.toContain('ghp_notapem');
      expect(error.message).not.toContain(key.split('\n')[1]!);
    }
  });

  it('a 401 blames the app id or key, a 404 the installation: one sentence each, no JWT in it', async () => {
    nock(API).post(TOKEN_PATH).reply(401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' });
    const unauthorized = await authError(githubAppScheme.authenticate(makeContext({ app_id: 123 })));
    expect(unauthorized.message).toBe(
      "GitHub refused the app JWT of github (401: A JSON web token could not be decoded); the app ID or key is wrong: check auth.app_id (123) and that the private_key secret is that app's private key.",
    );
    expect(unauthorized.status).toBe(401);

    nock(API).post(TOKEN_PATH).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const notFound = await authError(githubAppScheme.authenticate(makeContext({ app_id: 123 })));
    expect(notFound.message).toBe(
      'GitHub found no installation 4242 of app 123 for github (404: Not Found); check the installation id (`connectors config set github installation_id VALUE`) and auth.app_id.',
    );
    for (const error of [unauthorized, notFound]) expect(error.message).not.toMatch(/eyJ/);
  });

  it('a 422 for narrowed permissions names them', async () => {
    nock(API).post(TOKEN_PATH).reply(422, { message: 'The permissions requested are not granted to this installation.' });
    const error = await authError(githubAppScheme.authenticate(makeContext({ app_id: 1, permissions: { administration: 'write' } })));
    expect(error.message).toBe(
      'GitHub refused an installation token for installation 4242 of github (422: The permissions requested are not granted to this installation); check auth.permissions and auth.repositories against what the installation was granted.',
    );
  });

  it('checks the answer field by field: token required, expires_at an ISO time, an hour without it', async () => {
    nock(API).post(TOKEN_PATH).reply(201, { expires_at: EXPIRES_AT });
    expect((await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 })))).message).toMatch(/has no `token`/);
    nock(API).post(TOKEN_PATH).reply(201, { token: 'ghs_x', expires_at: 'soon' });
    expect((await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 })))).message).toMatch(/`expires_at` that is not an ISO-8601 time/);
    nock(API).post(TOKEN_PATH).reply(201, { token: 'ghs_x' });
    expect((await githubAppScheme.authenticate(makeContext({ app_id: 1 }))).expiresAt).toEqual(new Date(NOW.getTime() + 3_600_000));
    nock(API).post(TOKEN_PATH).reply(200, '<html>sign in</html>');
    expect((await authError(githubAppScheme.authenticate(makeContext({ app_id: 1 })))).message).toMatch(/is not a JSON object; check auth.api_url/);
  });
});

describe('github_app options schema', () => {
  const validate = getSchemeOptionsValidator(githubAppScheme);

  it('applies the defaults: installation_id from config, api.github.com', () => {
    const options: Record<string, unknown> = { app_id: 123456 };
    expect(validate(options)).toBe(true);
    expect(options).toEqual({ app_id: 123456, installation_id: '{{ config.installation_id }}', api_url: 'https://api.github.com' });
  });

  it('requires app_id and refuses unknown permission levels and owner/repo names', () => {
    expect(validate({})).toBe(false);
    expect(validate({ app_id: 1, permissions: { contents: 'maintain' } })).toBe(false);
    expect(validate({ app_id: 1, repositories: ['octo-org/octo-repo'] })).toBe(false);
    expect(validate({ app_id: 1, permissions: { contents: 'read' }, repositories: ['octo-repo'] })).toBe(true);
  });
});
