import { describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../../plugin-api.js';
import { amzDate, signAwsRequest } from './sign-request.js';

// The worked example of AWS's SigV4 documentation ("Create a signed AWS API request", IAM
// ListUsers): its published credentials, time and expected signature.
const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const EXAMPLE_TIME = new Date('2015-08-30T12:36:00Z');

function iamListUsers(): OutgoingRequest {
  return {
    method: 'GET',
    url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  };
}

describe('signAwsRequest', () => {
  it('formats X-Amz-Date as YYYYMMDDTHHMMSSZ', () => {
    expect(amzDate(EXAMPLE_TIME)).toBe('20150830T123600Z');
  });

  it('gives the signature of AWS documentation example (IAM ListUsers)', () => {
    const request = iamListUsers();
    signAwsRequest(request, EXAMPLE_CREDENTIALS, { region: 'us-east-1', service: 'iam' }, EXAMPLE_TIME);
    expect(request.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(request.headers.host).toBe('iam.amazonaws.com');
    expect(request.headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('signs the query and body as sent, and a session token as x-amz-security-token', () => {
    const request: OutgoingRequest = {
      method: 'post',
      url: new URL('http://127.0.0.1:8080/items?page=2&since=2024-01-01T00:00:00Z'),
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'connectors' },
      body: '{"a":1}',
    };
    signAwsRequest(request, { ...EXAMPLE_CREDENTIALS, sessionToken: 'session-token-1' }, { region: 'eu-west-1', service: 'execute-api' }, EXAMPLE_TIME);
    expect(request.headers['x-amz-security-token']).toBe('session-token-1');
    expect(request.headers.host).toBe('127.0.0.1:8080');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    const first = request.headers.authorization;
    const changed: OutgoingRequest = { ...request, url: new URL('http://127.0.0.1:8080/items?page=3&since=2024-01-01T00:00:00Z'), headers: { ...request.headers } };
    signAwsRequest(changed, { ...EXAMPLE_CREDENTIALS, sessionToken: 'session-token-1' }, { region: 'eu-west-1', service: 'execute-api' }, EXAMPLE_TIME);
    expect(changed.headers.authorization).not.toBe(first);
  });

  it('adds no content-type or content-length the request did not have, and replaces an old signature', () => {
    const request: OutgoingRequest = { method: 'PUT', url: new URL('https://api.example.com/x'), headers: { Authorization: 'old', 'X-Amz-Date': 'old' }, body: 'data' };
    signAwsRequest(request, EXAMPLE_CREDENTIALS, { region: 'us-east-1', service: 'execute-api' }, EXAMPLE_TIME);
    expect(Object.keys(request.headers).sort()).toEqual(['authorization', 'host', 'x-amz-date']);
    expect(request.headers.authorization).toContain('SignedHeaders=host;x-amz-date,');
  });
});
