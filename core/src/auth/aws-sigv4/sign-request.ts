/**
 * AWS Signature Version 4 of one outgoing request, with the `aws4` signer: the canonical request
 * is built from the request as it will be sent (method, path, query, headers, body), so pagination
 * parameters and templated headers added before `apply` are covered.
 */
import aws4 from 'aws4';
import type { OutgoingRequest } from '../../plugin-api.js';

/** The credentials of one signature. `sessionToken` comes with temporary (STS) credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The credential scope: region and service. */
export interface AwsScope {
  region: string;
  service: string;
}

/** `YYYYMMDD'T'HHMMSS'Z'`, the form of `X-Amz-Date`. */
export function amzDate(time: Date): string {
  return time.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Signs `request` in place: sets `host`, `x-amz-date` (from `now`), `x-amz-security-token` when
 * there is a session token, `x-amz-content-sha256` for S3, and `authorization`. Every other header
 * the request carries is signed as it is (except those AWS leaves out, such as `user-agent`), and no
 * header the request did not have is added besides those.
 */
export function signAwsRequest(request: OutgoingRequest, credentials: AwsCredentials, scope: AwsScope, now: Date): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'x-amz-date' || lower === 'x-amz-security-token') continue;
    headers[lower] = value;
  }
  headers.host = request.url.host;
  headers['x-amz-date'] = amzDate(now);
  // aws4 would add a form content type and a content length the request did not have: keep them out.
  const ignore: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  if (headers['content-type'] === undefined) ignore['content-type'] = true;
  if (headers['content-length'] === undefined) ignore['content-length'] = true;

  const signed = aws4.sign(
    {
      method: request.method.toUpperCase(),
      host: request.url.hostname,
      path: `${request.url.pathname}${request.url.search}`,
      headers,
      body: request.body ?? '',
      service: scope.service,
      region: scope.region,
      extraHeadersToIgnore: ignore,
    } as aws4.Request,
    credentials.sessionToken ? credentials : { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  );

  const result = signed.headers as Record<string, string | number>;
  for (const [name, value] of Object.entries(result)) {
    const lower = name.toLowerCase();
    if (ignore[lower]) continue;
    for (const key of Object.keys(request.headers)) if (key.toLowerCase() === lower) delete request.headers[key];
    request.headers[lower] = String(value);
  }
}
