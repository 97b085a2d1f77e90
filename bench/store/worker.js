// One process of the store bench: opens its own store (BENCH_STORE=file|postgres) from the BUILT
// core, prints {"ready":true} and then runs the commands the parent writes to stdin, one JSON
// line each, answering each with one JSON line on stdout:
//   {"cmd":"read","connection","reads","warm"}       store.getSession(ref) `reads` times in a row
//   {"cmd":"renew","connection","tokenUrl","seed","until","pauseMs"}
//        SessionManager.getSession with the oauth2 scheme (refresh_token grant) in a loop until
//        `until` (epoch ms), pausing `pauseMs` between calls (a caller using the session)
// Latencies are in ms. The process ends when its stdin closes (the parent ended, however).
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastClock } from './clock.js';

const env = process.env;
const CONNECTOR = 'benchstore';

async function openStore() {
  if (env.BENCH_STORE === 'file') {
    const { FileStore } = await import('@connectors/core/internal/secrets/file-store.js');
    return new FileStore({ home: env.BENCH_HOME, env: { CONNECTORS_SECRET_KEY: env.BENCH_SECRET_KEY } });
  }
  const { PostgresStore } = await import('@connectors/core/internal/secrets/postgres/postgres-store.js');
  const { toRowKey } = await import('@connectors/core/internal/secrets/postgres/row-cipher.js');
  return new PostgresStore({ url: env.BENCH_DATABASE_URL, key: toRowKey(Buffer.from(env.BENCH_SECRET_KEY, 'base64')) });
}

const store = await openStore();
const { SessionManager } = await import('@connectors/core/internal/sessions/renew.js');
const { oauth2Scheme } = await import('@connectors/core/internal/auth/schemes/oauth2.js');
const { createRuntimeHttpClient } = await import('@connectors/core/internal/http/client.js');
const clock = fastClock(Number(env.BENCH_CLOCK_T0), Number(env.BENCH_CLOCK_SPEED));
let warnings = 0;
const log = { debug() {}, info() {}, warn: () => (warnings += 1) };
const manager = new SessionManager({ store, lockDir: join(env.BENCH_HOME ?? tmpdir(), 'locks'), now: clock, log });
const http = createRuntimeHttpClient({ now: clock });

const round = (ms) => Math.round(ms * 1000) / 1000;

async function read({ connection, reads, warm = 0 }) {
  const ref = { connector: CONNECTOR, connection };
  for (let i = 0; i < warm; i++) await store.getSession(ref);
  const latencies = new Array(reads);
  let missing = 0;
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    const session = await store.getSession(ref);
    latencies[i] = round(performance.now() - started);
    if (!session) missing += 1;
  }
  return { latencies, missing };
}

async function renew({ connection, tokenUrl, seed, until, pauseMs }) {
  const binding = {
    ref: { connector: CONNECTOR, connection },
    scheme: oauth2Scheme,
    refreshBefore: 0, // renewed at its expiry, not ahead of it: one expiry, one token request
    ctx: {
      connector: CONNECTOR,
      connection,
      options: { token_url: tokenUrl, grant_type: 'authorization_code' },
      secrets: { client_id: 'bench-client', client_secret: 'bench-client-secret', oauth_refresh_token: seed },
      config: {},
      http,
      log,
      now: clock,
    },
  };
  const latencies = [];
  let errors = 0;
  let firstError;
  warnings = 0;
  while (Date.now() < until) {
    const started = performance.now();
    try {
      await manager.getSession(binding);
    } catch (error) {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    latencies.push(round(performance.now() - started));
    if (pauseMs > 0) await sleep(pauseMs);
  }
  return { latencies, errors, firstError, warnings };
}

const commands = { read, renew };
const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = JSON.parse(line);
  try {
    process.stdout.write(`${JSON.stringify(await commands[command.cmd](command))}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ failed: error instanceof Error ? error.message : String(error) })}\n`);
  }
});
lines.on('close', async () => {
  await store.close?.();
  process.exit(0);
});
// Open the connections (and, for PostgreSQL, apply the migrations) before the parent measures.
await store.getSession({ connector: CONNECTOR, connection: 'warm-up' });
process.stdout.write('{"ready":true}\n');
