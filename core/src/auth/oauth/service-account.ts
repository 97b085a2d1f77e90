/**
 * Google's service account key file as one secret (`service_account_json`): the fields the JWT
 * bearer grant needs, checked one by one so a wrong paste is one sentence that quotes nothing.
 */
import { AuthError } from '../../errors.js';

/** What the JWT bearer grant takes from a service account key. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  /** The `kid` of the assertion. */
  privateKeyId?: string;
  /** The token endpoint (and the assertion's `aud`). */
  tokenUri?: string;
}

/** Parses the key file's JSON; `connector` names it in errors. */
export function parseServiceAccountKey(connector: string, text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuthError(`The service_account_json secret of ${connector} is not JSON; store the whole key file.`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new AuthError(`The service_account_json secret of ${connector} is not a JSON object.`);
  const key = json as Record<string, unknown>;
  const text_ = (name: string, required: boolean): string | undefined => {
    const value = key[name];
    if (typeof value === 'string' && value !== '') return value;
    if (required || value !== undefined) throw new AuthError(`The service_account_json secret of ${connector} has no ${name} string.`);
    return undefined;
  };
  const account: ServiceAccountKey = { clientEmail: text_('client_email', true)!, privateKey: text_('private_key', true)! };
  const privateKeyId = text_('private_key_id', false);
  if (privateKeyId) account.privateKeyId = privateKeyId;
  const tokenUri = text_('token_uri', false);
  if (tokenUri) account.tokenUri = tokenUri;
  return account;
}
