// The token endpoint of the renewal bench (node:http on 127.0.0.1): answers the refresh_token grant
// with a rotated refresh token and `expires_in: 1` (one second of the fast clock), and checks
// every request against what it issued on that path:
// - a refresh token that is not the latest one issued on the path was already spent by another
//   renewal: a double refresh (answered `invalid_grant`, as a provider that rotates tokens would);
// - a request before the latest token's expiry (on the fast clock) renewed a session that had not
//   expired: an early renewal. A renewing process reads its clock after it sees the session due,
//   so an honest renewal can never arrive early.
// Each path (`/token/<run>`) keeps its own state, so every bench run starts from its seed.
import { createServer } from 'node:http';

/** The lifetime the server grants, in seconds of the fast clock. */
export const TOKEN_LIFETIME_SECONDS = 1;

/** Starts the server; `clock` is the bench's fast clock. */
export async function startTokenServer(clock) {
  /** path -> { latest, expiresAt, requests, doubleRefreshes, early, arrivals } */
  const runs = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedMs = performance.now();
      const now = clock().getTime();
      const run = runs.get(req.url);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (!run || req.method !== 'POST' || form.get('grant_type') !== 'refresh_token') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
        return;
      }
      run.requests += 1;
      run.arrivals.push(arrivedMs);
      if (form.get('refresh_token') !== run.latest) {
        run.doubleRefreshes += 1;
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant","error_description":"refresh token already used"}');
        return;
      }
      if (run.expiresAt !== undefined && now < run.expiresAt) run.early += 1;
      run.issued += 1;
      run.latest = `refresh-${run.name}-${run.issued}`;
      run.expiresAt = now + TOKEN_LIFETIME_SECONDS * 1000;
      const body = JSON.stringify({ access_token: `access-${run.name}-${run.issued}`, refresh_token: run.latest, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    /** Opens a run: its token URL and its seed refresh token (the connection's `oauth_refresh_token` secret). */
    open(name) {
      const path = `/token/${name}`;
      const seed = `seed-${name}`;
      runs.set(path, { name, latest: seed, expiresAt: undefined, issued: 0, requests: 0, doubleRefreshes: 0, early: 0, arrivals: [] });
      return { tokenUrl: `${base}${path}`, seed, stats: () => runs.get(path) };
    },
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  };
}
