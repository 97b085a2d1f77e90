// @ts-check
/**
 * A local Jira Cloud REST API v3 (Atlassian's documented behaviour), for the catalog's `jira`
 * connector (HTTP Basic: account email + API token).
 *
 * - Basic auth required: a wrong or missing pair gets 401 `{errorMessages: [...], errors: {}}` with
 *   `WWW-Authenticate: Basic realm="protected-by-api-token"`.
 * - `GET /rest/api/3/myself`: the account.
 * - `GET /rest/api/3/search/jql?jql=&nextPageToken=&maxResults=&fields=`: `{issues, nextPageToken?,
 *   isLast}` (maxResults default 50, capped at 100 here; an empty or ORDER-BY-only `jql` is 400, as
 *   Jira Cloud refuses unbounded queries).
 * - `GET /rest/api/3/project/search?startAt=&maxResults=`: `{self, nextPage?, maxResults, startAt,
 *   total, isLast, values}` (maxResults default 50, at most 100).
 * - `GET /rest/api/3/users/search?startAt=&maxResults=`: a bare array.
 */
import { createFaultKnobs, listen, parseBasic, sendJson, serveInjectedFailure, takeForced401 } from './http-kit.js';

/**
 * @typedef {object} JiraServerOptions
 * @property {number} [port]
 * @property {string} [email] Default `bot@example.com`.
 * @property {string} [apiToken] Default `test-jira-api-token`.
 * @property {{ issues?: number, projects?: number, users?: number }} [counts] Default 25 each.
 */

/**
 * Starts the Jira server.
 * @param {JiraServerOptions} [options]
 */
export async function startJiraServer(options = {}) {
  const state = {
    ...createFaultKnobs(),
    email: options.email ?? 'bot@example.com',
    apiToken: options.apiToken ?? 'test-jira-api-token',
    counts: { issues: options.counts?.issues ?? 25, projects: options.counts?.projects ?? 25, users: options.counts?.users ?? 25 },
    resourceRequests: 0,
    unauthorized: 0,
    /** @type {Array<{method: string, path: string, query: Record<string, string>}>} */
    requests: [],
  };

  const server = await listen((req, res, url) => {
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    const known = ['/rest/api/3/myself', '/rest/api/3/search/jql', '/rest/api/3/project/search', '/rest/api/3/users/search'];
    if (!known.includes(url.pathname)) return sendJson(res, 404, { errorMessages: ['Not found.'], errors: {} });
    state.resourceRequests += 1;
    if (serveInjectedFailure(state, res, (status) => ({ errorMessages: [status === 429 ? 'Rate limit exceeded.' : 'Internal server error.'], errors: {} }))) return;
    const auth = parseBasic(req.headers.authorization);
    if (takeForced401(state) || !auth || auth.user !== state.email || auth.password !== state.apiToken) {
      state.unauthorized += 1;
      return sendJson(res, 401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} }, { 'www-authenticate': 'Basic realm="protected-by-api-token"' });
    }
    const q = url.searchParams;
    if (url.pathname === '/rest/api/3/myself') return sendJson(res, 200, { accountId: '5b10a2844c20165700ede21g', emailAddress: state.email, displayName: 'Bot', active: true });
    if (url.pathname === '/rest/api/3/search/jql') {
      const jql = (q.get('jql') ?? '').trim();
      if (!jql || /^order by/i.test(jql)) return sendJson(res, 400, { errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], errors: {} });
      const max = Math.min(Number(q.get('maxResults') ?? 50), 100);
      const start = q.get('nextPageToken') ? Number(Buffer.from(/** @type {string} */ (q.get('nextPageToken')), 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0 || !Number.isInteger(max) || max < 1) return sendJson(res, 400, { errorMessages: ['Invalid nextPageToken or maxResults.'], errors: {} });
      const issues = [];
      for (let i = start + 1; i <= Math.min(start + max, state.counts.issues); i++) {
        issues.push({ id: String(10000 + i), key: `PRJ-${i}`, self: `${url.origin}/rest/api/3/issue/${10000 + i}`, fields: { summary: `Issue ${i}`, status: { name: i % 2 ? 'To Do' : 'Done' }, updated: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().replace('Z', '+0000') } });
      }
      const isLast = start + max >= state.counts.issues;
      /** @type {Record<string, unknown>} */
      const body = { issues, isLast };
      if (!isLast) body.nextPageToken = Buffer.from(String(start + max)).toString('base64url');
      return sendJson(res, 200, body);
    }
    const startAt = Number(q.get('startAt') ?? 0);
    const maxResults = Math.min(Number(q.get('maxResults') ?? 50), url.pathname.endsWith('users/search') ? 1000 : 100);
    if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(maxResults) || maxResults < 1) return sendJson(res, 400, { errorMessages: ['Invalid startAt or maxResults.'], errors: {} });
    if (url.pathname === '/rest/api/3/users/search') {
      const users = [];
      for (let i = startAt + 1; i <= Math.min(startAt + maxResults, state.counts.users); i++) users.push({ accountId: `acc-${i}`, accountType: 'atlassian', displayName: `User ${i}`, active: true });
      return sendJson(res, 200, users);
    }
    const values = [];
    for (let i = startAt + 1; i <= Math.min(startAt + maxResults, state.counts.projects); i++) values.push({ id: String(i), key: `P${i}`, name: `Project ${i}`, projectTypeKey: 'software', self: `${url.origin}/rest/api/3/project/${i}` });
    const isLast = startAt + maxResults >= state.counts.projects;
    /** @type {Record<string, unknown>} */
    const body = { self: url.href, maxResults, startAt, total: state.counts.projects, isLast, values };
    if (!isLast) body.nextPage = `${url.origin}${url.pathname}?startAt=${startAt + maxResults}&maxResults=${maxResults}`;
    return sendJson(res, 200, body);
  }, options);

  return { ...server, state };
}
