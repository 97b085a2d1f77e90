import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../../plugin-api.js';
import { normalizeQuerySpaces, signOAuth1Request } from './sign-request.js';

/** The `Authorization: OAuth` parameters, decoded. */
function oauthParams(header: string): Record<string, string> {
  expect(header).toMatch(/^OAuth /);
  const params: Record<string, string> = {};
  for (const match of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1]!] = decodeURIComponent(match[2]!);
  return params;
}

// Twitter's documented worked example ("Creating a signature"): its credentials, nonce, time and
// the signature it publishes for them.
const TWITTER = {
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};

describe('signOAuth1Request', () => {
  it('gives the HMAC-SHA1 signature of Twitter documented example, form body included', () => {
    const request: OutgoingRequest = {
      method: 'post',
      url: new URL('https://api.twitter.com/1.1/statuses/update.json?include_entities=true'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21',
    };
    signOAuth1Request(request, TWITTER, {
      signatureMethod: 'HMAC-SHA1',
      now: new Date(1318622958 * 1000),
      nonce: () => 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
    });
    const params = oauthParams(request.headers.authorization!);
    expect(params).toMatchObject({
      oauth_consumer_key: TWITTER.consumerKey,
      oauth_token: TWITTER.token,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1318622958',
      oauth_version: '1.0',
      oauth_signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=',
    });
  });

  it('signs HMAC-SHA256 over every query parameter of the final URL, realm first and unsigned', () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://1234567.suitetalk.api.netsuite.com/record/v1/customer?limit=5&offset=10&q=a b'), headers: {} };
    signOAuth1Request(request, TWITTER, { signatureMethod: 'HMAC-SHA256', realm: '1234567_SB1', now: new Date(1700000000000), nonce: () => 'n0nce' });
    expect(request.url.search).toBe('?limit=5&offset=10&q=a%20b');
    expect(request.headers.authorization).toMatch(/^OAuth realm="1234567_SB1", oauth_consumer_key=/);
    const base = [
      'GET',
      encodeURIComponent('https://1234567.suitetalk.api.netsuite.com/record/v1/customer'),
      encodeURIComponent(
        `limit=5&oauth_consumer_key=${TWITTER.consumerKey}&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_token=${TWITTER.token}&oauth_version=1.0&offset=10&q=a%20b`,
      ),
    ].join('&');
    const expected = createHmac('sha256', `${TWITTER.consumerSecret}&${TWITTER.tokenSecret}`).update(base).digest('base64');
    expect(oauthParams(request.headers.authorization!).oauth_signature).toBe(expected);
  });

  it('PLAINTEXT sends the encoded secrets joined by & as the signature', () => {
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/x'), headers: { Authorization: 'old' } };
    signOAuth1Request(request, { ...TWITTER, consumerSecret: 'c&s', tokenSecret: 't s' }, { signatureMethod: 'PLAINTEXT', now: new Date(0) });
    expect(Object.keys(request.headers)).toEqual(['authorization']);
    expect(oauthParams(request.headers.authorization!).oauth_signature).toBe('c%26s&t%20s');
  });

  it('uses a fresh nonce for each signature', () => {
    const sign = () => {
      const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/x'), headers: {} };
      signOAuth1Request(request, TWITTER, { signatureMethod: 'HMAC-SHA1', now: new Date(0) });
      return oauthParams(request.headers.authorization!).oauth_nonce;
    };
    const first = sign();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(sign()).not.toBe(first);
  });

  it('writes query spaces as %20 and leaves other URLs alone', () => {
    const url = new URL('https://x.test/p?a=1+2&b=%2B');
    normalizeQuerySpaces(url);
    expect(url.search).toBe('?a=1%202&b=%2B');
  });
});
