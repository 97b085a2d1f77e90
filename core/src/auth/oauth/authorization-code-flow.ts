/**
 * The browser leg of the authorization-code flow (RFC 6749 4.1.1 and 4.1.2, RFC 7636): the
 * authorization URL with `state` and, with PKCE, an S256 challenge, handed to `ctx.authorize`
 * (the loopback listener), and the callback checked: its state, the provider's `error`, the code.
 */
import { AuthError } from '../../errors.js';
import type { LoginContext } from '../../plugin-api.js';
import { buildAuthorizationUrl, type AuthorizationUrlOptions } from './authorize-url.js';
import { calculateCodeChallenge, generateCodeVerifier, generateState } from './pkce.js';

/** What the authorization request asks for; state, challenge and redirect URI are made here. */
export type AuthorizationCodeRequest = Omit<AuthorizationUrlOptions, 'state' | 'codeChallenge' | 'redirectUri'> & { pkce: boolean };

/** The code of a callback whose state matched, and the PKCE verifier to exchange it with. */
export interface AuthorizationCode {
  code: string;
  codeVerifier?: string;
}

/** Sends the user to the authorization endpoint and returns the code the callback carried. */
export async function requestAuthorizationCode(ctx: LoginContext, request: AuthorizationCodeRequest): Promise<AuthorizationCode> {
  const { pkce, ...urlOptions } = request;
  const state = generateState();
  const codeVerifier = pkce ? generateCodeVerifier() : undefined;
  const url = buildAuthorizationUrl({
    ...urlOptions,
    redirectUri: ctx.redirectUri,
    state,
    codeChallenge: codeVerifier ? calculateCodeChallenge(codeVerifier) : undefined,
  });
  const callback = await ctx.authorize(url, state);
  // A provider that renamed `state` (authorization_param_names) sends it back under that name.
  if (callback.get(urlOptions.paramNames?.state || 'state') !== state) throw new AuthError('The login callback carried a state that does not match; the code was not used.');
  const error = callback.get('error');
  if (error) {
    const description = callback.get('error_description') ?? undefined;
    throw new AuthError(`The provider refused the login: ${error}${description ? ` (${description})` : ''}.`, {
      providerError: error,
      providerErrorDescription: description,
    });
  }
  const code = callback.get('code');
  if (!code) throw new AuthError('The login callback carried no authorization code.');
  return codeVerifier ? { code, codeVerifier } : { code };
}
