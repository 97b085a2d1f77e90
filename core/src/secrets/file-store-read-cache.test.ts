/**
 * The file store's read cache (see file-version.ts): a settled store is decrypted once per version,
 * what a read returns is a copy the caller may change, and a write by another process is seen.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { SETTLED_MS } from './file-version.js';

const ref = { connector: 'acme', connection: 'default' };
const session = { secrets: { oauth_access_token: 'at-1' }, expiresAt: '2030-01-01T00:00:00.000Z', values: { region: 'eu' }, savedAt: '2029-12-31T23:00:00.000Z' };

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'connectors-store-cache-'));
  env = { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Waits until the store file has been unchanged long enough for its version to be kept. */
async function untilSettled(store: FileStore): Promise<void> {
  const info = statSync(store.path);
  const changed = Math.max(info.mtimeMs, info.ctimeMs);
  const wait = changed + SETTLED_MS + 50 - (performance.timeOrigin + performance.now());
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

it('hands out copies of a kept read, and sees another process rewrite the store', async () => {
  const writer = new FileStore({ home, env });
  const reader = new FileStore({ home, env });
  await writer.setSession(ref, session);
  await writer.setSecret(ref, 'client_id', 'id-1');
  await untilSettled(writer);

  const first = (await reader.getSession(ref))!;
  expect(first).toEqual(session);
  first.secrets.oauth_access_token = 'changed by the caller';
  (first.values as Record<string, unknown>).region = 'us';
  const secrets = await reader.getSecrets(ref);
  secrets.client_id = 'changed by the caller';
  expect(await reader.getSession(ref)).toEqual(session);
  expect(await reader.getSecrets(ref)).toEqual({ client_id: 'id-1' });

  await writer.setSession(ref, { ...session, secrets: { oauth_access_token: 'at-2' } });
  expect((await reader.getSession(ref))?.secrets).toEqual({ oauth_access_token: 'at-2' });
  await writer.setSession(ref, undefined);
  expect(await reader.getSession(ref)).toBeUndefined();
  expect(await reader.listConnections('acme')).toEqual(['default']);
});
