import type { AuthScheme } from '../../plugin-api.js';
import { SchemeRegistry } from '../registry.js';
import { apiKeyScheme } from './api-key.js';
import { awsSigv4Scheme } from './aws-sigv4.js';
import { basicScheme } from './basic.js';
import { githubAppScheme } from './github-app.js';
import { jwtScheme } from './jwt.js';
import { jwtSignedScheme } from './jwt-signed.js';
import { loginScheme } from './login.js';
import { noneScheme } from './none.js';
import { oauth1Scheme } from './oauth1.js';
import { oauth2Scheme } from './oauth2.js';
import { superofficeScheme } from './superoffice.js';
import { tripletexScheme } from './tripletex.js';

/** The schemes the runtime ships with, in the order `connectors schemes` lists them. */
export const builtInSchemes: readonly AuthScheme[] = [
  noneScheme,
  basicScheme,
  apiKeyScheme,
  oauth2Scheme,
  jwtScheme,
  tripletexScheme,
  superofficeScheme,
  loginScheme,
  awsSigv4Scheme,
  oauth1Scheme,
  jwtSignedScheme,
  githubAppScheme,
];

/** A registry holding the built-in schemes. Plugins add theirs to it. */
export function createBuiltInRegistry(): SchemeRegistry {
  const registry = new SchemeRegistry();
  for (const scheme of builtInSchemes) registry.register(scheme, 'built-in');
  return registry;
}
