import { describe, expect, it } from 'vitest';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { oauth1Scheme } from './oauth1.js';

const SECRETS = { consumer_key: 'ck', consumer_secret: 'cs', token: 'tk', token_secret: 'ts' };

function ctx(options: Record<string, unknown>): AuthContext {
  return { secrets: SECRETS, options, now: () => new Date('2026-01-02T03:04:05Z') } as unknown as AuthContext;
}

async function signed(options: Record<string, unknown>): Promise<string> {
  const context = ctx(options);
  const session = await oauth1Scheme.authenticate(context);
  const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/items?page=2'), headers: {} };
  await oauth1Scheme.apply(request, session, context);
  return request.headers.authorization!;
}

describe('oauth1 scheme', () => {
  it('declares the four secrets, with the token aliases', () => {
    expect(oauth1Scheme.requiredSecrets.map((s) => s.name)).toEqual(['consumer_key', 'consumer_secret', 'token', 'token_secret']);
    expect(oauth1Scheme.requiredSecrets.find((s) => s.name === 'token_secret')?.aliases).toEqual(['access_token_secret']);
  });

  it('signs with the options method and realm and the context clock', async () => {
    const header = await signed({ signature_method: 'HMAC-SHA256', realm: '123_SB1' });
    expect(header).toMatch(/^OAuth realm="123_SB1", oauth_consumer_key="ck", oauth_nonce="[0-9a-f]{32}", oauth_signature="[^"]+", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1767323045", oauth_token="tk", oauth_version="1.0"$/);
  });

  it('defaults to HMAC-SHA1 without a realm', async () => {
    const header = await signed({});
    expect(header).toContain('oauth_signature_method="HMAC-SHA1"');
    expect(header).not.toContain('realm=');
  });
});
