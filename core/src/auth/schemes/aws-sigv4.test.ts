import { describe, expect, it } from 'vitest';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { awsSigv4Scheme } from './aws-sigv4.js';

const NOW = new Date('2026-01-02T03:04:05Z');

function ctx(secrets: Record<string, string>): AuthContext {
  return { secrets, options: { region: 'us-west-2', service: 'execute-api' }, now: () => NOW } as unknown as AuthContext;
}

describe('aws_sigv4 scheme', () => {
  it('declares the key pair as required and session_token as optional', () => {
    expect(awsSigv4Scheme.requiredSecrets.map((s) => [s.name, s.optional === true])).toEqual([
      ['access_key_id', false],
      ['secret_access_key', false],
      ['session_token', true],
    ]);
  });

  it('keeps session_token out of the session when it is not set', async () => {
    expect((await awsSigv4Scheme.authenticate(ctx({ access_key_id: 'AK', secret_access_key: 'SK' }))).secrets).toEqual({ access_key_id: 'AK', secret_access_key: 'SK' });
  });

  it('signs in apply with the options scope and the context clock', async () => {
    const context = ctx({ access_key_id: 'AKID', secret_access_key: 'SECRET', session_token: 'TOKEN' });
    const session = await awsSigv4Scheme.authenticate(context);
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://abc.execute-api.us-west-2.amazonaws.com/prod/items?limit=10'), headers: {} };
    await awsSigv4Scheme.apply(request, session, context);
    expect(request.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(request.headers['x-amz-security-token']).toBe('TOKEN');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/us-west-2\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });
});
