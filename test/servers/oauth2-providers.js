// @ts-check
/**
 * Token endpoints (and their APIs) that behave as providers with non-standard OAuth 2.0 document
 * them, for the oauth2 options of DESIGN.md section 12:
 * - Slack (`oauth.v2.access`): the user token nested under `authed_user`, errors as 200 with
 *   `{ok: false, error}`; `/oauth/v2/authorize` redirects to the callback with a code.
 * - Salesforce: client_credentials, the answer names the org's `instance_url` (a second server, the
 *   API) and no expiry.
 * - Zoom: server-to-server `grant_type=account_credentials` with `account_id`, client Basic auth.
 * - A JSON token endpoint: refuses forms, wants an API key header and a version header.
 * - Google service accounts: a JWT bearer assertion verified against the key file's public key.
 * - Microsoft Entra ID with a federated client assertion that the platform rotates.
 * Each records what it saw in `state` and serves `GET <api>/items` only to the token it issued.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { listen, parseAuthorization, parseBasic, randomToken, readBody, sendJson } from './http-kit.js';

/** @typedef {import('./http-kit.js').RunningServer} RunningServer */

/**
 * @typedef {object} ProviderState
 * @property {number} tokenRequests
 * @property {string[]} issued access tokens handed out
 * @property {Array<Record<string, string>>} tokenBodies the parsed body of each token request
 * @property {Array<Record<string, string | string[] | undefined>>} tokenHeaders
 * @property {number} apiRequests
 * @property {number} unauthorized
 */

/** @returns {ProviderState} */
function newState() {
  return { tokenRequests: 0, issued: [], tokenBodies: [], tokenHeaders: [], apiRequests: 0, unauthorized: 0 };
}

/**
 * The API: `GET /items` (and the `check` path `/me`) for a Bearer token in `state.issued`.
 * @param {ProviderState} state
 * @param {import('node:http').ServerResponse} res
 * @param {import('node:http').IncomingMessage} req
 * @param {string} path the request path below the API root
 */
function serveApi(state, req, res, path) {
  state.apiRequests += 1;
  const token = parseAuthorization(req.headers.authorization, 'Bearer');
  if (!token || !state.issued.includes(token)) {
    state.unauthorized += 1;
    return sendJson(res, 401, { error: 'invalid_token' });
  }
  if (path === '/me') return sendJson(res, 200, { ok: true });
  if (path === '/items') return sendJson(res, 200, { data: [{ id: 1, token_kind: token.split('-')[0] }, { id: 2, token_kind: token.split('-')[0] }] });
  return sendJson(res, 404, { error: 'not_found' });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ body: Record<string, string>, contentType: string }>}
 */
async function readTokenBody(req) {
  const text = await readBody(req);
  const contentType = String(req.headers['content-type'] ?? '');
  if (contentType.startsWith('application/json')) return { body: JSON.parse(text), contentType };
  return { body: Object.fromEntries(new URLSearchParams(text)), contentType };
}

/**
 * Slack: `GET /oauth/v2/authorize` redirects to `redirect_uri` with `code` and `state`;
 * `POST /api/oauth.v2.access` exchanges the code (client_secret_post or Basic) for a bot token at
 * the top and the user token under `authed_user`; `GET /api/items` wants the user token.
 * @param {{ clientId?: string, clientSecret?: string }} [options]
 */
export async function startSlackServer(options = {}) {
  const clientId = options.clientId ?? 'slack-client';
  const clientSecret = options.clientSecret ?? 'slack-secret-1';
  const state = { ...newState(), authorizeQueries: /** @type {URLSearchParams[]} */ ([]), codes: /** @type {string[]} */ ([]) };
  const server = await listen(async (req, res, url) => {
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize') {
      state.authorizeQueries.push(url.searchParams);
      const code = randomToken('code');
      state.codes.push(code);
      const target = new URL(url.searchParams.get('redirect_uri') ?? '');
      target.searchParams.set('code', code);
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: target.href });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/api/oauth.v2.access') {
      state.tokenRequests += 1;
      const { body } = await readTokenBody(req);
      state.tokenBodies.push(body);
      state.tokenHeaders.push(req.headers);
      const basic = parseBasic(req.headers.authorization);
      const id = basic?.user ?? body.client_id;
      const secret = basic?.password ?? body.client_secret;
      if (id !== clientId || secret !== clientSecret) return sendJson(res, 200, { ok: false, error: 'invalid_client_id' });
      if (body.grant_type !== 'authorization_code' || !state.codes.includes(body.code)) return sendJson(res, 200, { ok: false, error: 'invalid_code' });
      state.codes = state.codes.filter((code) => code !== body.code);
      const bot = randomToken('xoxb');
      const user = randomToken('xoxp');
      state.issued.push(user); // the API serves the user token only
      return sendJson(res, 200, {
        ok: true,
        access_token: bot,
        token_type: 'bot',
        scope: 'commands',
        authed_user: { id: 'U1234', scope: 'channels:read', access_token: user, token_type: 'user' },
        team: { id: 'T9', name: 'Test team' },
      });
    }
    if (url.pathname.startsWith('/api/')) return serveApi(state, req, res, url.pathname.slice('/api'.length));
    return sendJson(res, 404, { error: 'not_found' });
  });
  return { ...server, state, clientId, clientSecret, authorizeUrl: `${server.url}/oauth/v2/authorize`, tokenUrl: `${server.url}/api/oauth.v2.access`, apiUrl: `${server.url}/api` };
}

/**
 * Salesforce: `POST /services/oauth2/token` (client_credentials, Basic or post) answers with
 * `instance_url` = the API server's URL, `issued_at` in epoch milliseconds and no expiry. The API
 * is a second server (`apiUrl`), serving `/services/data/v60.0/items`.
 * @param {{ clientId?: string, clientSecret?: string }} [options]
 */
export async function startSalesforceServers(options = {}) {
  const clientId = options.clientId ?? 'sf-consumer-key';
  const clientSecret = options.clientSecret ?? 'sf-consumer-secret';
  const state = newState();
  const prefix = '/services/data/v60.0';
  const api = await listen((req, res, url) => {
    if (!url.pathname.startsWith(prefix)) return sendJson(res, 404, [{ errorCode: 'NOT_FOUND' }]);
    return serveApi(state, req, res, url.pathname.slice(prefix.length));
  });
  const login = await listen(async (req, res, url) => {
    if (req.method !== 'POST' || url.pathname !== '/services/oauth2/token') return sendJson(res, 404, { error: 'not_found' });
    state.tokenRequests += 1;
    const { body } = await readTokenBody(req);
    state.tokenBodies.push(body);
    const basic = parseBasic(req.headers.authorization);
    const id = basic ? decodeURIComponent(basic.user) : body.client_id;
    const secret = basic ? decodeURIComponent(basic.password) : body.client_secret;
    if (id !== clientId || secret !== clientSecret) return sendJson(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    if (body.grant_type !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    const token = randomToken('00D');
    state.issued.push(token);
    return sendJson(res, 200, {
      access_token: token,
      signature: 'c2lnbmF0dXJl',
      scope: 'api',
      instance_url: api.url,
      id: `${login.url}/id/00D000000000001/005000000000001`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
  });
  return {
    url: login.url,
    apiUrl: api.url,
    tokenUrl: `${login.url}/services/oauth2/token`,
    state,
    clientId,
    clientSecret,
    close: async () => {
      await login.close();
      await api.close();
    },
  };
}

/**
 * Zoom server-to-server OAuth: `POST /oauth/token` with `grant_type=account_credentials` and
 * `account_id`, client id and secret as Basic (not form-encoded: Zoom decodes nothing). The API is
 * `/v2/items`.
 * @param {{ clientId?: string, clientSecret?: string, accountId?: string }} [options]
 */
export async function startZoomServer(options = {}) {
  const clientId = options.clientId ?? 'zoom-client';
  const clientSecret = options.clientSecret ?? 'zoom+secret/=1';
  const accountId = options.accountId ?? 'acc-42';
  const state = newState();
  const server = await listen(async (req, res, url) => {
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      state.tokenRequests += 1;
      const { body } = await readTokenBody(req);
      state.tokenBodies.push(body);
      const basic = parseBasic(req.headers.authorization);
      if (!basic || basic.user !== clientId || basic.password !== clientSecret) return sendJson(res, 400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      if (body.grant_type !== 'account_credentials') return sendJson(res, 400, { reason: 'unsupported grant type', error: 'unsupported_grant_type' });
      if (body.account_id !== accountId) return sendJson(res, 400, { reason: 'Invalid account_id', error: 'invalid_request' });
      const token = randomToken('zoom');
      state.issued.push(token);
      return sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'user:read:admin', api_url: `${server.url}/v2` });
    }
    if (url.pathname.startsWith('/v2/')) return serveApi(state, req, res, url.pathname.slice('/v2'.length));
    return sendJson(res, 404, { error: 'not_found' });
  });
  return { ...server, state, clientId, clientSecret, accountId, tokenUrl: `${server.url}/oauth/token`, apiUrl: `${server.url}/v2` };
}

/**
 * A token endpoint that takes JSON only (415 for a form), and wants `X-Api-Key: <apiKey>` and
 * `X-Api-Version: <version>` on the token request; the token is under `data.token` with
 * `data.expires_in` in milliseconds. The API is `/api/items`.
 * @param {{ clientId?: string, clientSecret?: string, apiKey?: string, version?: string }} [options]
 */
export async function startJsonTokenServer(options = {}) {
  const clientId = options.clientId ?? 'json-client';
  const clientSecret = options.clientSecret ?? 'json-secret';
  const apiKey = options.apiKey ?? 'json-api-key-7';
  const version = options.version ?? '2024-01-01';
  const state = newState();
  const server = await listen(async (req, res, url) => {
    if (req.method === 'POST' && url.pathname === '/token') {
      state.tokenRequests += 1;
      state.tokenHeaders.push(req.headers);
      const { body, contentType } = await readTokenBody(req);
      state.tokenBodies.push(body);
      if (!contentType.startsWith('application/json')) return sendJson(res, 415, { error: 'invalid_request', error_description: 'send JSON' });
      if (req.headers['x-api-key'] !== apiKey) return sendJson(res, 403, { error: 'access_denied', error_description: 'bad api key' });
      if (req.headers['x-api-version'] !== version) return sendJson(res, 400, { error: 'invalid_request', error_description: 'unknown version' });
      if (body.client_id !== clientId || body.client_secret !== clientSecret || body.grant_type !== 'client_credentials') return sendJson(res, 401, { error: 'invalid_client' });
      const token = randomToken('json');
      state.issued.push(token);
      return sendJson(res, 200, { data: { token, expires_in: 3_600_000 } });
    }
    if (url.pathname.startsWith('/api/')) return serveApi(state, req, res, url.pathname.slice('/api'.length));
    return sendJson(res, 404, { error: 'not_found' });
  });
  return { ...server, state, clientId, clientSecret, apiKey, version, tokenUrl: `${server.url}/token`, apiUrl: `${server.url}/api` };
}

/**
 * Verifies an RS256 JWT with a PEM public key and returns its claims, or null.
 * @param {string} jwt
 * @param {string} publicKeyPem
 */
function verifyRs256(jwt, publicKeyPem) {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return null;
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  if (head.alg !== 'RS256') return null;
  const ok = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64url'));
  return ok ? { header: head, claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) } : null;
}

/**
 * Google's token endpoint for service accounts (`POST /token`, RFC 7523 2.1): the assertion must
 * verify with the service account's public key, name it as `iss` (client_email), the token URL as
 * `aud`, carry `scope`, live at most an hour, and (domain-wide delegation) have `sub` = a user the
 * test allowed. `keyFile` is the JSON key file as Google hands it out. The API is `/admin/items`.
 * @param {{ allowedSubjects?: string[] }} [options]
 */
export async function startGoogleServer(options = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const state = { ...newState(), subjects: /** @type {Array<string | undefined>} */ ([]) };
  const allowed = options.allowedSubjects ?? ['admin@example.com'];
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const server = await listen(async (req, res, url) => {
    if (req.method === 'POST' && url.pathname === '/token') {
      state.tokenRequests += 1;
      const { body } = await readTokenBody(req);
      state.tokenBodies.push(body);
      if (body.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return sendJson(res, 400, { error: 'unsupported_grant_type' });
      const jwt = verifyRs256(body.assertion ?? '', publicPem);
      if (!jwt) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      const { claims, header } = jwt;
      state.subjects.push(claims.sub);
      const now = Math.floor(Date.now() / 1000);
      if (claims.iss !== keyFile.client_email || claims.aud !== keyFile.token_uri || header.kid !== keyFile.private_key_id) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: iss, aud or kid.' });
      if (typeof claims.scope !== 'string' || claims.scope === '') return sendJson(res, 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
      if (!(claims.exp - claims.iat <= 3600 && claims.iat <= now + 60 && claims.exp > now)) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes).' });
      if (claims.sub !== undefined && !allowed.includes(claims.sub)) return sendJson(res, 401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method.' });
      const token = randomToken('ya29');
      state.issued.push(token);
      return sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }
    if (url.pathname.startsWith('/admin/')) return serveApi(state, req, res, url.pathname.slice('/admin'.length));
    return sendJson(res, 404, { error: 'not_found' });
  });
  const keyFile = {
    type: 'service_account',
    project_id: 'test-project',
    private_key_id: 'a1b2c3d4e5',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'sync@test-project.iam.gserviceaccount.com',
    client_id: '1234567890',
    token_uri: `${server.url}/token`,
  };
  return { ...server, state, keyFile, apiUrl: `${server.url}/admin` };
}

/**
 * Microsoft Entra ID with workload identity federation: `POST /<tenant>/oauth2/v2.0/token` with
 * `grant_type=client_credentials`, `client_id`, `scope` and a federated `client_assertion`; only
 * the assertion in `state.currentAssertion` (what the platform last wrote) is accepted. The API
 * is `/graph/items`.
 * @param {{ tenant?: string, clientId?: string }} [options]
 */
export async function startEntraServer(options = {}) {
  const tenant = options.tenant ?? 'tenant-1';
  const clientId = options.clientId ?? 'entra-app-id';
  const state = { ...newState(), currentAssertion: '', assertions: /** @type {string[]} */ ([]) };
  const server = await listen(async (req, res, url) => {
    if (req.method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`) {
      state.tokenRequests += 1;
      const { body } = await readTokenBody(req);
      state.tokenBodies.push(body);
      state.assertions.push(body.client_assertion ?? '');
      if (body.client_id !== clientId) return sendJson(res, 400, { error: 'unauthorized_client', error_description: 'AADSTS700016: Application not found.' });
      if (body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || body.client_assertion !== state.currentAssertion) {
        return sendJson(res, 401, { error: 'invalid_client', error_description: 'AADSTS700024: Client assertion is not within its valid time range.' });
      }
      if (body.grant_type !== 'client_credentials' || body.scope !== 'https://graph.microsoft.com/.default') return sendJson(res, 400, { error: 'invalid_scope' });
      const token = randomToken('eyJ0');
      state.issued.push(token);
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    if (url.pathname.startsWith('/graph/')) return serveApi(state, req, res, url.pathname.slice('/graph'.length));
    return sendJson(res, 404, { error: 'not_found' });
  });
  return { ...server, state, clientId, tokenUrl: `${server.url}/${tenant}/oauth2/v2.0/token`, apiUrl: `${server.url}/graph` };
}
