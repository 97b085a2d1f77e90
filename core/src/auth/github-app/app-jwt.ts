/**
 * The GitHub App's JWT ("Generating a JSON Web Token (JWT) for a GitHub App"): RS256, signed with
 * the app's private key, `iss` = the app ID (or client ID), `iat` 60 seconds in the past against
 * clock drift, `exp` 10 minutes after `iat` (GitHub refuses an `exp` more than 10 minutes ahead).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../../errors.js';

/** Seconds `iat` is set in the past. */
export const APP_JWT_BACKDATE_SECONDS = 60;
/** Seconds from `iat` to `exp`: GitHub's limit of 10 minutes. */
export const APP_JWT_LIFETIME_SECONDS = 600;

function unusableKey(connector: string, reason: string): AuthError {
  return new AuthError(
    `The private_key secret of ${connector} ${reason}; set it to the GitHub App's private key (the .pem file GitHub downloads) with \`connectors secrets set ${connector} private_key < key.pem\`.`,
    { code: 'ERR_GITHUB_APP_KEY' },
  );
}

/**
 * Reads the app's private key: PEM as GitHub downloads it (PKCS#1, `BEGIN RSA PRIVATE KEY`) or
 * PKCS#8 (`BEGIN PRIVATE KEY`). A PEM kept on one line with `\n` escapes (an environment
 * variable) is made whole first. Anything else is an {@link AuthError} that does not show the text.
 */
export function readGithubAppPrivateKey(text: string | undefined, connector: string): KeyObject {
  const trimmed = (text ?? '').trim();
  if (!trimmed.includes('-----BEGIN')) throw unusableKey(connector, 'is not a PEM private key');
  const pem = trimmed.includes('\n') ? trimmed : trimmed.replace(/(\\r)?\\n/g, '\n');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw unusableKey(connector, 'cannot be read as a PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw unusableKey(connector, `is a ${key.asymmetricKeyType ?? 'non-RSA'} key, not the RSA key of a GitHub App`);
  return key;
}

/** What the app JWT is made of. */
export interface GithubAppJwtOptions {
  /** `iss`: the app ID or the app's client ID. */
  appId: string;
  privateKey: KeyObject;
  now: Date;
  /** The connector's name, for errors. */
  connector: string;
}

/** Signs the app JWT: `{ iat: now - 60, exp: iat + 600, iss: appId }`, RS256. */
export async function createGithubAppJwt(options: GithubAppJwtOptions): Promise<string> {
  const iat = Math.floor(options.now.getTime() / 1000) - APP_JWT_BACKDATE_SECONDS;
  // jose is imported on first use, as elsewhere: only JWT-signing connections pay for it.
  const { SignJWT } = await import('jose');
  try {
    return await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(options.appId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + APP_JWT_LIFETIME_SECONDS)
      .sign(options.privateKey);
  } catch (error) {
    // e.g. a key under 2048 bits, which RS256 refuses; jose's message names no key material.
    throw new AuthError(`The app JWT of ${options.connector} could not be signed with RS256: ${(error as Error).message.replace(/\.$/, '')}.`, { code: 'ERR_GITHUB_APP_KEY' });
  }
}
