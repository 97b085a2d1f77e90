import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { createRuntimeHttpClient } from '../../http/client.js';
import type { AuthContext, AuthScheme, OutgoingRequest } from '../../plugin-api.js';
import { formatTripletexAuthorization, tripletexScheme } from './tripletex.js';

const BASE = 'https://tripletex.example.test/v2';
const CONSUMER = 'consumer-secret-1';
const EMPLOYEE = 'employee-secret-2';

function makeContext(overrides: Partial<AuthContext> = {}, now = '2025-03-01T12:00:00Z'): AuthContext {
  return {
    connector: 'tripletex',
    connection: 'default',
    options: { company_id: 0, session_days: 2 },
    secrets: { consumer_key: CONSUMER, employee_token: EMPLOYEE },
    config: { base_url: BASE },
    http: createRuntimeHttpClient({ retry: { limit: 0 } }),
    log: { debug() {}, info() {}, warn() {} },
    now: () => new Date(now),
    ...overrides,
  };
}

function sessionAnswer(token: string, expirationDate: string) {
  return { value: { id: 1, version: 0, token, expirationDate, consumerToken: { id: 2 }, employeeToken: { id: 3 } } };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('tripletex authenticate', () => {
  const body = (expirationDate: string) => ({ consumerToken: CONSUMER, employeeToken: EMPLOYEE, expirationDate });

  // Issue 9: the tokens travel in a JSON body, not in the URL.
  it('creates a session with POST <base_url>/token/session/:create and a JSON body, tokens out of the URL', async () => {
    const scope = nock('https://tripletex.example.test')
      .post('/v2/token/session/:create', body('2025-03-03'))
      .matchHeader('authorization', (value) => value === undefined)
      .matchHeader('content-type', /^application\/json/)
      .reply(201, function () {
        expect(this.req.path).toBe('/v2/token/session/:create');
        return sessionAnswer('sess-1', '2025-03-03');
      });
    const session = await tripletexScheme.authenticate(makeContext());
    expect(session.secrets).toEqual({ consumer_key: CONSUMER, employee_token: EMPLOYEE, session_token: 'sess-1' });
    expect(session.expiresAt).toEqual(new Date('2025-03-03T00:00:00Z'));
    expect(session.issuedAt).toEqual(new Date('2025-03-01T12:00:00Z'));
    scope.done();
  });

  for (const status of [404, 405]) {
    it(`falls back to the legacy PUT with query parameters when the POST answers ${status}`, async () => {
      const scope = nock('https://tripletex.example.test')
        .post('/v2/token/session/:create', body('2025-03-03'))
        .reply(status, { status, code: 6000, message: 'Not here' })
        .put('/v2/token/session/:create')
        .query({ consumerToken: CONSUMER, employeeToken: EMPLOYEE, expirationDate: '2025-03-03' })
        .matchHeader('authorization', (value) => value === undefined)
        .reply(200, sessionAnswer('sess-legacy', '2025-03-03'));
      const session = await tripletexScheme.authenticate(makeContext());
      expect(session.secrets.session_token).toBe('sess-legacy');
      scope.done();
    });
  }

  for (const status of [400, 401, 403, 422, 500]) {
    it(`does not put the tokens in a URL when the POST answers ${status}`, async () => {
      const post = nock('https://tripletex.example.test').post('/v2/token/session/:create').reply(status, { status, message: 'No' });
      const put = nock('https://tripletex.example.test').put('/v2/token/session/:create').query(true).reply(200, sessionAnswer('x', 'y'));
      await expect(tripletexScheme.authenticate(makeContext())).rejects.toThrow(`Tripletex refused to create a session (status ${status}`);
      post.done();
      expect(put.isDone()).toBe(false);
    });
  }

  it('uses auth.session_url when set, session_days, and the consumer_token alias', async () => {
    const scope = nock('https://other.example.test')
      .post('/sessions', body('2025-03-06'))
      .reply(201, sessionAnswer('sess-2', '2025-03-06'));
    const ctx = makeContext({
      options: { session_url: 'https://other.example.test/sessions', session_days: 5 },
      secrets: { consumer_token: CONSUMER, employee_token: EMPLOYEE },
      config: {},
    });
    const session = await tripletexScheme.authenticate(ctx);
    expect(session.secrets.session_token).toBe('sess-2');
    expect(session.secrets.consumer_key).toBe(CONSUMER);
    scope.done();
  });

  it('creates a new session on renewal instead of reusing the previous one', async () => {
    nock('https://tripletex.example.test').post('/v2/token/session/:create').reply(201, sessionAnswer('sess-new', 'x'));
    const previous = { secrets: { consumer_key: CONSUMER, employee_token: EMPLOYEE, session_token: 'sess-old' } };
    const session = await (tripletexScheme as AuthScheme).authenticate(makeContext(), previous);
    expect(session.secrets.session_token).toBe('sess-new');
  });

  it('names the employee token when Tripletex says it is the wrong one, without the secret values', async () => {
    nock('https://tripletex.example.test')
      .post('/v2/token/session/:create')
      .reply(403, {
        status: 403,
        code: 9000,
        message: 'Invalid employee token',
        developerMessage: `Token ${EMPLOYEE} not found`,
        validationMessages: null,
      });
    const error = (await tripletexScheme.authenticate(makeContext()).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(403);
    expect(error.message).toContain('Invalid employee token');
    expect(error.message).toContain('connectors secrets set tripletex employee_token');
    expect(error.message).not.toContain('consumer_key');
    expect(error.message).not.toContain(EMPLOYEE);
    expect(error.providerErrorDescription).not.toContain(EMPLOYEE);
  });

  it('names the consumer token from a validation message', async () => {
    nock('https://tripletex.example.test')
      .post('/v2/token/session/:create')
      .reply(422, { status: 422, code: 15000, message: 'Validation failed.', validationMessages: [{ field: 'consumerToken', message: 'Invalid token' }] });
    await expect(tripletexScheme.authenticate(makeContext())).rejects.toThrow(/consumerToken: Invalid token.*check consumer_key \(/);
  });

  it('names both tokens on a bare 401', async () => {
    nock('https://tripletex.example.test').post('/v2/token/session/:create').reply(401, '');
    await expect(tripletexScheme.authenticate(makeContext())).rejects.toThrow(
      'Tripletex refused to create a session (status 401); check consumer_key and employee_token (connectors secrets set tripletex consumer_key).',
    );
  });

  it('fails when the answer has no value.token', async () => {
    nock('https://tripletex.example.test').post('/v2/token/session/:create').reply(200, { value: {} });
    await expect(tripletexScheme.authenticate(makeContext())).rejects.toThrow(/without a session token at value.token/);
  });

  it('fails before any request when a secret or the session URL is missing', async () => {
    await expect(tripletexScheme.authenticate(makeContext({ secrets: { consumer_key: CONSUMER } }))).rejects.toThrow(
      /needs the employee_token secret/,
    );
    await expect(tripletexScheme.authenticate(makeContext({ config: {} }))).rejects.toThrow(/set auth.session_url or config.base_url/);
  });
});

describe('tripletex apply', () => {
  it('sends Basic base64("<company_id>:<session_token>")', async () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL(`${BASE}/customer`), headers: {} };
    await tripletexScheme.apply(request, { secrets: { session_token: 'sess-1' } }, makeContext({ options: { company_id: 42 } }));
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('42:sess-1').toString('base64')}`);
    expect(formatTripletexAuthorization(0, 'abc')).toBe('Basic MDphYmM=');
  });
});
