#!/usr/bin/env node
// Runs every benchmark one after another (npm run bench). Each prints its own figures and ratio
// against a baseline measured in the same run; see bench/README.md.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const scripts = ['startup/run.js', 'validate/run.js', 'run/throughput.js', 'run/memory.js', 'serve/run.js', 'store/run.js', 'worker/queue.js', 'worker/destination.js', 'editor/run.js', 'auth-coverage/run.js'];
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== bench/${script}\n`);
  const result = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
