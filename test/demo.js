#!/usr/bin/env node
// The README's demo: starts the local demo API (OAuth2 token endpoint + paginated resources) on a
// free loopback port, runs `connectors run demo` against it with the demo credentials, and stops
// the API again. Extra arguments go to `connectors run` (e.g. `--stream orders --limit 5`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from './servers/demo-api.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = await startDemoServer();
const home = process.env.CONNECTORS_HOME ?? mkdtempSync(join(tmpdir(), 'connectors-demo-'));
process.stderr.write(`demo API listening on ${server.url}\n`);

const args = ['run', 'demo', '--catalog', join(root, 'connectors'), '--config', `base_url=${server.url}`, ...process.argv.slice(2)];
process.stderr.write(`$ connectors ${args.join(' ')}\n`);
const child = spawn(process.execPath, [join(root, 'cli', 'bin', 'run.js'), ...args], {
  stdio: 'inherit',
  env: {
    ...process.env,
    CONNECTORS_HOME: home,
    CONNECTORS_SECRET_DEMO_CLIENT_ID: 'demo',
    CONNECTORS_SECRET_DEMO_CLIENT_SECRET: 'demo-secret',
  },
});
const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
await server.close();
if (!process.env.CONNECTORS_HOME) rmSync(home, { recursive: true, force: true });
process.exit(code);
