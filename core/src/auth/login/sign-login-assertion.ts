/**
 * The login scheme's self-signed assertion: a JWT signed before each login with a key from the
 * connection's secrets, for providers whose login takes a client assertion (Apple Business
 * Manager, Epic's SMART backend services, Google service accounts). Its claims are the
 * manifest's, rendered; `iat`, `exp` and a random `jti` are added unless the claims set them.
 */
import { createPrivateKey, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { AuthError } from '../../errors.js';
import { selectSigningAlgorithm } from '../oauth/jwt-assertion.js';

/** The `assertion` option, rendered. */
export interface LoginAssertion {
  /** A PEM private key, or the shared secret for HS256/384/512. */
  key: string;
  alg?: string;
  kid?: string;
  /** Extra protected-header parameters. */
  header?: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Seconds until `exp`; default 300. */
  lifetime?: number;
}

/** A PEM stored on one line, with `\n` escapes (as env variables often hold them), made whole. */
export function unescapePem(text: string): string {
  return text.includes('-----BEGIN') && !text.includes('\n') ? text.replace(/\\n/g, '\n') : text;
}

function readKey(assertion: LoginAssertion, connector: string): { key: KeyObject; alg: string } {
  if (assertion.alg?.startsWith('HS')) {
    if (!assertion.key) throw new AuthError(`The login assertion of ${connector} has an empty ${assertion.alg} secret; check the secret auth.assertion.key reads.`);
    return { key: createSecretKey(Buffer.from(assertion.key, 'utf8')), alg: assertion.alg };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(unescapePem(assertion.key));
  } catch {
    throw new AuthError(`The login assertion key of ${connector} is not a PEM private key; check the secret auth.assertion.key reads.`);
  }
  return { key, alg: assertion.alg ?? selectSigningAlgorithm(key) };
}

/** Signs the assertion at `now`. */
export async function signLoginAssertion(assertion: LoginAssertion, now: Date, connector: string): Promise<string> {
  const { key, alg } = readKey(assertion, connector);
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { iat, exp: iat + (assertion.lifetime ?? 300), jti: randomUUID(), ...assertion.claims };
  const header: Record<string, unknown> = { typ: 'JWT', ...assertion.header, alg };
  if (assertion.kid) header.kid = assertion.kid;
  const { SignJWT } = await import('jose');
  try {
    return await new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
  } catch (error) {
    throw new AuthError(`The login assertion of ${connector} could not be signed with ${alg}: ${(error as Error).message.replace(/\.$/, '')}.`);
  }
}
