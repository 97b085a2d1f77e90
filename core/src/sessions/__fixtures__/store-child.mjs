// One writer of the file-store race: sets WRITES secrets of its own, then exits.
// With MODE=key it only creates/reads the key file and prints the key (the key file race).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const dist = process.env.DIST;
while (process.env.GO_FILE && !existsSync(process.env.GO_FILE)) await sleep(5);
if (process.env.MODE === 'key') {
  const { readOrCreateKeyFile } = await import(join(dist, 'secrets', 'store-key.js'));
  const { key } = await readOrCreateKeyFile(join(process.env.STORE_HOME, 'secret.key'));
  process.stdout.write(`${key.toString('base64')}\n`);
} else {
  const { FileStore } = await import(join(dist, 'secrets', 'file-store.js'));
  const store = new FileStore({ home: process.env.STORE_HOME, env: {} });
  const ref = { connector: 'crowd', connection: 'default' };
  for (let i = 0; i < Number(process.env.WRITES); i++) {
    await store.setSecret(ref, `p${process.env.CHILD_INDEX}_${i}`, `value-${i}`);
  }
  process.stdout.write('done\n');
}
