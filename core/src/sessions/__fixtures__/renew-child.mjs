// One process of the renewal race: waits for the start signal, then asks for a session.
// The fake scheme appends its pid to COUNTER_FILE on every authenticate, so the parent can count
// token requests across all processes.
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const { FileStore } = await import(join(process.env.DIST, 'secrets', 'file-store.js'));
const { SessionManager } = await import(join(process.env.DIST, 'sessions', 'renew.js'));

const home = process.env.STORE_HOME;
const store = new FileStore({ home, env: { CONNECTORS_SECRET_KEY: process.env.STORE_KEY } });
const log = { debug() {}, info() {}, warn: (m) => process.stderr.write(`warn: ${m}\n`) };
const manager = new SessionManager({ store, lockDir: join(home, 'locks'), log, lock: { staleMs: Number(process.env.LOCK_STALE_MS ?? 2000) } });
const scheme = {
  name: 'fake',
  apiVersion: 1,
  requiredSecrets: [],
  injectedSecrets: [{ name: 'oauth_access_token' }, { name: 'oauth_refresh_token' }],
  async authenticate(ctx, previous) {
    appendFileSync(process.env.COUNTER_FILE, `${process.pid}\n`);
    if (process.env.HANG_IN_AUTHENTICATE) {
      process.stdout.write('authenticating\n');
      await sleep(60_000);
    }
    await sleep(Number(process.env.AUTH_DELAY_MS ?? 200));
    const refresh = previous?.secrets.oauth_refresh_token ?? ctx.secrets.oauth_refresh_token;
    return {
      secrets: { oauth_access_token: `access-${process.pid}`, oauth_refresh_token: `${refresh}+rotated-by-${process.pid}` },
      expiresAt: new Date(Date.now() + 3600_000),
    };
  },
  apply() {},
};
const ref = { connector: 'race', connection: 'default' };
const ctx = {
  connector: 'race',
  connection: 'default',
  options: {},
  secrets: { oauth_refresh_token: 'seed-refresh' },
  config: {},
  http: { request: async () => { throw new Error('no http here'); } },
  log,
  now: () => new Date(),
};

while (process.env.GO_FILE && !existsSync(process.env.GO_FILE)) await sleep(5);
const session = await manager.getSession({ ref, scheme, ctx });
process.stdout.write(`${JSON.stringify(session.secrets)}\n`);
