/**
 * OAuth 1.0a signing (RFC 5849 section 3) of one outgoing request with the `oauth-1.0a` signer:
 * the signature base string covers the method, the URL without its query, and every query
 * parameter of the final URL (pagination included), plus the parameters of a form body (3.4.1.3.1).
 */
import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { OutgoingRequest } from '../../plugin-api.js';

/** The signature methods of RFC 5849 section 3.4 the scheme offers, plus HMAC-SHA256. */
export const OAUTH1_SIGNATURE_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT'] as const;
export type OAuth1SignatureMethod = (typeof OAUTH1_SIGNATURE_METHODS)[number];

/** The four credentials of a signed request: the client's and the access token's. */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

export interface OAuth1SignOptions {
  signatureMethod: OAuth1SignatureMethod;
  realm?: string;
  now: Date;
  /** The nonce maker; 16 random bytes as hex unless a test fixes it. */
  nonce?: () => string;
}

/** The `hash_function` of a signature method: base64 HMAC over the base string, or the key itself. */
function hashFunction(method: OAuth1SignatureMethod): OAuth.HashFunction {
  if (method === 'PLAINTEXT') return (_base, key) => key;
  const algorithm = method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return (base, key) => createHmac(algorithm, key).update(base).digest('base64');
}

/**
 * The URL as it will be sent, with spaces in the query as `%20`: WHATWG URLs write them `+`, which
 * form decoding (RFC 5849 3.4.1.3.1) reads as a space but the signer would read as a plus sign.
 */
export function normalizeQuerySpaces(url: URL): void {
  if (url.search.includes('+')) url.search = url.search.replace(/\+/g, '%20');
}

/** The parameters of an `application/x-www-form-urlencoded` body, which the signature covers. */
function formBodyParameters(request: OutgoingRequest): Record<string, string | string[]> {
  const type = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded') || request.body === undefined) return {};
  const data: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(request.body.toString())) {
    const existing = data[name];
    data[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return data;
}

/**
 * Signs `request` in place: an `authorization: OAuth ...` header with a fresh nonce, the timestamp
 * of `now`, `oauth_token`, and `realm` first when given.
 */
export function signOAuth1Request(request: OutgoingRequest, credentials: OAuth1Credentials, options: OAuth1SignOptions): void {
  const signer = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: options.signatureMethod,
    hash_function: hashFunction(options.signatureMethod),
    ...(options.realm ? { realm: options.realm } : {}),
  });
  signer.getNonce = options.nonce ?? (() => randomBytes(16).toString('hex'));
  signer.getTimeStamp = () => Math.floor(options.now.getTime() / 1000);
  normalizeQuerySpaces(request.url);
  const authorization = signer.authorize(
    { url: request.url.href.replace(/#.*$/, ''), method: request.method.toUpperCase(), data: formBodyParameters(request) },
    { key: credentials.token, secret: credentials.tokenSecret },
  );
  for (const name of Object.keys(request.headers)) if (name.toLowerCase() === 'authorization') delete request.headers[name];
  request.headers.authorization = signer.toHeader(authorization).Authorization;
}
