import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import { DEVICE_CODE_GRANT_TYPE, deviceAuthorizationRequest, deviceCodeGrant } from './device-authorization.js';
import type { TokenEndpoint } from './token-request.js';

const AS = 'https://as.example.com';
const http = createRuntimeHttpClient({ sleep: async () => {} });
const client = { clientId: 'my client', clientSecret: 's3cret&x' };
const basic = `Basic ${Buffer.from('my+client:s3cret%26x').toString('base64')}`;
const tokenEndpoint: TokenEndpoint = { tokenUrl: `${AS}/token`, client, extraParams: { audience: 'https://api', tenant: 't1' } };
const deviceEndpoint = { deviceAuthorizationUrl: `${AS}/device`, client, extraParams: { audience: 'https://api' } };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

function form(body: unknown): Record<string, string> {
  if (body && typeof body === 'object') return { ...(body as Record<string, string>) };
  return Object.fromEntries(new URLSearchParams(String(body)));
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a rejection');
}

/** A fake clock that `sleep` moves forward, recording each wait. */
function fakeTime() {
  let time = Date.parse('2025-03-01T12:00:00Z');
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(time),
    sleep: async (ms: number) => {
      waits.push(ms);
      time += ms;
    },
  };
}

describe('deviceAuthorizationRequest', () => {
  it('sends client_id, scope, extras and client auth, and reads every field', async () => {
    let sent: Record<string, string> = {};
    const scope = nock(AS)
      .post('/device', (body) => {
        sent = form(body);
        return true;
      })
      .matchHeader('authorization', basic)
      .reply(200, {
        device_code: 'dc-1',
        user_code: 'WDJB-MJHT',
        verification_uri: 'https://as.example.com/activate',
        verification_uri_complete: 'https://as.example.com/activate?user_code=WDJB-MJHT',
        expires_in: 1800,
        interval: 3,
      });
    const result = await deviceAuthorizationRequest(http, deviceEndpoint, { clientId: 'my client', scopes: ['read', 'offline_access'] });
    expect(sent).toEqual({ client_id: 'my client', scope: 'read offline_access', audience: 'https://api' });
    expect(result).toEqual({
      deviceCode: 'dc-1',
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://as.example.com/activate',
      verificationUriComplete: 'https://as.example.com/activate?user_code=WDJB-MJHT',
      expiresIn: 1800,
      interval: 3,
    });
    scope.done();
  });

  it('defaults the interval to 5 s and accepts verification_url and string numbers', async () => {
    nock(AS).post('/device').reply(200, { device_code: 'd', user_code: 'u', verification_url: 'https://as.example.com/a', expires_in: '600' });
    const result = await deviceAuthorizationRequest(http, deviceEndpoint, { clientId: 'c' });
    expect(result).toEqual({ deviceCode: 'd', userCode: 'u', verificationUri: 'https://as.example.com/a', expiresIn: 600, interval: 5 });
  });

  it('turns an error answer into an AuthError with the provider fields', async () => {
    nock(AS).post('/device').reply(401, { error: 'invalid_client', error_description: 'Unknown client.' });
    const error = await rejection(deviceAuthorizationRequest(http, deviceEndpoint, { clientId: 'c' }));
    expect(error.message).toBe('The device authorization endpoint https://as.example.com/device refused the request with status 401: invalid_client (Unknown client).');
    expect(error).toMatchObject({ providerError: 'invalid_client', providerErrorDescription: 'Unknown client.', status: 401 });
  });

  it('names a body that is not JSON', async () => {
    nock(AS).post('/device').reply(200, '<html>login</html>');
    const error = await rejection(deviceAuthorizationRequest(http, deviceEndpoint, { clientId: 'c' }));
    expect(error.message).toBe('The device authorization endpoint https://as.example.com/device answered 200 with a body that is not JSON.');
  });

  const good = { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example.com/a', expires_in: 600 };
  it.each([
    [{ ...good, device_code: undefined }, 'device_code: it is missing or empty'],
    [{ ...good, user_code: '' }, 'user_code: it is missing or empty'],
    [{ ...good, verification_uri: undefined }, 'verification_uri: it is missing or empty'],
    [{ ...good, verification_uri: '/activate' }, 'verification_uri: it is not an absolute URL'],
    [{ ...good, verification_uri_complete: 7 }, 'verification_uri_complete: it is missing or empty'],
    [{ ...good, expires_in: undefined }, 'expires_in: it is missing or not a positive number of seconds'],
    [{ ...good, expires_in: 0 }, 'expires_in: it is missing or not a positive number of seconds'],
    [{ ...good, interval: 'soon' }, 'interval: it is not a number of seconds'],
    [['d'], 'JSON that is not an object'],
  ])('names the bad field (%#)', async (body, problem) => {
    nock(AS).post('/device').reply(200, body as object);
    const error = await rejection(deviceAuthorizationRequest(http, deviceEndpoint, { clientId: 'c' }));
    expect(error.message).toContain(problem);
  });
});

describe('deviceCodeGrant', () => {
  function poll(replies: Array<[number, Record<string, unknown> | string]>, sent: Array<Record<string, string>> = []) {
    let scope = nock(AS);
    for (const [status, body] of replies) {
      scope = scope
        .post('/token', (request) => {
          sent.push(form(request));
          return true;
        })
        .reply(status, body);
    }
    return scope;
  }

  it('keeps polling while pending, every interval, then returns the tokens', async () => {
    const sent: Array<Record<string, string>> = [];
    const scope = poll(
      [
        [400, { error: 'authorization_pending' }],
        [400, { error: 'authorization_pending' }],
        [200, { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt', expires_in: 3600 }],
      ],
      sent,
    );
    const time = fakeTime();
    const tokens = await deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'dc-1', clientId: 'my client', interval: 2, expiresIn: 600, ...time });
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt', expiresIn: 3600 });
    expect(time.waits).toEqual([2000, 2000, 2000]);
    expect(sent[0]).toEqual({ grant_type: DEVICE_CODE_GRANT_TYPE, device_code: 'dc-1', client_id: 'my client', audience: 'https://api', tenant: 't1' });
    scope.done();
  });

  it('adds 5 s to the interval on every slow_down, for the later polls too', async () => {
    const scope = poll([
      [400, { error: 'slow_down' }],
      [400, { error: 'authorization_pending' }],
      [400, { error: 'slow_down' }],
      [200, { access_token: 'at' }],
    ]);
    const time = fakeTime();
    await deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 1, expiresIn: 600, ...time });
    expect(time.waits).toEqual([1000, 6000, 6000, 11000]);
    scope.done();
  });

  it('fails with one sentence on access_denied, without polling again', async () => {
    const scope = poll([
      [400, { error: 'authorization_pending' }],
      [400, { error: 'access_denied', error_description: 'The user said no.' }],
    ]);
    const time = fakeTime();
    const error = await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 1, expiresIn: 600, ...time }));
    expect(error.message).toBe('The device login was denied at the provider (access_denied).');
    expect(error.providerError).toBe('access_denied');
    expect(time.waits).toHaveLength(2);
    scope.done();
  });

  it('fails on expired_token', async () => {
    poll([[400, { error: 'expired_token' }]]);
    const error = await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 1, expiresIn: 600, ...fakeTime() }));
    expect(error.message).toBe('The device code expired before the login was approved (expired_token).');
    expect(error.providerError).toBe('expired_token');
  });

  it('stops by itself once expires_in has passed', async () => {
    const scope = poll(Array.from({ length: 3 }, () => [400, { error: 'authorization_pending' }] as [number, Record<string, unknown>]));
    const time = fakeTime();
    const error = await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 5, expiresIn: 15, ...time }));
    expect(error.providerError).toBe('expired_token');
    expect(time.waits).toEqual([5000, 5000, 5000]);
    scope.done();
  });

  it('passes other errors, bad JSON and bad tokens through the token response checks', async () => {
    poll([[400, { error: 'invalid_grant' }]]);
    expect((await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 0, expiresIn: 60, ...fakeTime() }))).message).toBe(
      'The token endpoint https://as.example.com/token refused the request with status 400: invalid_grant.',
    );
    poll([[200, 'not json']]);
    expect((await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 0, expiresIn: 60, ...fakeTime() }))).message).toBe(
      'The token endpoint https://as.example.com/token answered 200 with a body that is not JSON.',
    );
    poll([[200, { token_type: 'Bearer' }]]);
    expect((await rejection(deviceCodeGrant(http, tokenEndpoint, { deviceCode: 'd', clientId: 'c', interval: 0, expiresIn: 60, ...fakeTime() }))).message).toContain(
      'without a valid access_token',
    );
  });
});
