import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme, type OutgoingRequest } from '../../plugin-api.js';

interface ApiKeyOptions {
  in: 'header' | 'query' | 'cookie';
  name: string;
  prefix: string;
}

/** `prefix` and key joined by one space, unless the prefix is empty or already ends in whitespace. */
export function prefixApiKey(prefix: string, key: string): string {
  if (prefix === '') return key;
  return /\s$/.test(prefix) ? `${prefix}${key}` : `${prefix} ${key}`;
}

function addCookie(request: OutgoingRequest, name: string, value: string): void {
  const existing = Object.keys(request.headers).find((header) => header.toLowerCase() === 'cookie');
  const pair = `${name}=${value}`;
  if (existing) request.headers[existing] = `${request.headers[existing]}; ${pair}`;
  else request.headers.cookie = pair;
}

/** A static API key in a header, a query parameter or a cookie. */
export const apiKeyScheme = defineAuthScheme({
  name: 'api_key',
  apiVersion: 1,
  description: 'A static API key in a header, query parameter or cookie.',
  options: loadSchema('auth/api_key.json'),
  requiredSecrets: [{ name: 'api_key', description: 'The API key.' }],
  injectedSecrets: [{ name: 'api_key' }],
  async authenticate(ctx) {
    return { secrets: { api_key: ctx.secrets.api_key ?? '' } };
  },
  apply(request, session, ctx) {
    const options = ctx.options as unknown as ApiKeyOptions;
    const value = prefixApiKey(options.prefix ?? '', session.secrets.api_key ?? '');
    const name = options.name ?? 'X-API-Key';
    switch (options.in ?? 'header') {
      case 'header':
        request.headers[name] = value;
        break;
      case 'query':
        request.url.searchParams.set(name, value);
        break;
      case 'cookie':
        addCookie(request, name, value);
        break;
    }
  },
});
