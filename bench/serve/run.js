// Benchmark of `connectors serve`'s proxy: the same local API called directly with got and
// through the proxy, at 1, 16 and 64 concurrent callers, rounds interleaved. Prints requests/s
// (proxy / direct) and the latency the proxy adds at p50 and p99. Targets (issue 10): >= 0.7 of
// direct at 16 callers, p50 added <= 1 ms.
//
//   node bench/serve/run.js     # BENCH_REQUESTS (4000 per run), BENCH_ROUNDS (3); BENCH_ENFORCE=1 exits 1 on a miss
//   BENCH_CALLERS=16 BENCH_SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' node bench/serve/run.js   # profile serve
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import got from 'got';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'cli', 'bin', 'run.js');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CALLERS ?? '1,16,64').split(',').map(Number);
/** Extra node flags for the serve process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const SERVE_NODE_ARGS = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const API_KEY = 'bench-api-key-value-7Qx';

/** The API: a small JSON answer, after checking the key the proxy must add. */
async function startApi() {
  const body = JSON.stringify({ items: [{ id: 1, name: 'one' }, { id: 2, name: 'two' }] });
  const server = createServer((req, res) => {
    req.resume();
    if (req.headers['x-api-key'] !== API_KEY) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

function setUpHome(apiUrl) {
  const home = mkdtempSync(join(tmpdir(), 'connectors-bench-serve-'));
  const catalog = join(home, 'catalog');
  mkdirSync(join(catalog, 'benchapi'), { recursive: true });
  writeFileSync(
    join(catalog, 'benchapi', 'connector.yaml'),
    `apiVersion: connectors/v1\nname: benchapi\nauth:\n  scheme: api_key\n  in: header\n  name: X-API-Key\nbase_url: ${apiUrl}\nstreams:\n  - name: items\n    path: /items\n    records: items\n`,
  );
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CONNECTORS_HOME: home, CONNECTORS_CATALOG: catalog, CONNECTORS_SECRET_BENCHAPI_API_KEY: API_KEY };
  const added = spawnSync(process.execPath, [cli, 'callers', 'add', 'bench', '--allow', '*/*'], { env, encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`callers add failed: ${added.stderr}`);
  return { home, env, key: added.stdout.trim() };
}

function startServe(env) {
  return new Promise((resolve, reject) => {
    // The audit log goes to stderr: read it (as a log shipper would: lines counted, not kept), do
    // not let it block. Only the output before the listening line is kept (and searched).
    const child = spawn(process.execPath, [...SERVE_NODE_ARGS, cli, 'serve', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let listening = false;
    const handle = { url: '', pid: child.pid, auditLines: 0, stop: () => new Promise((r) => (child.once('close', r), child.kill('SIGTERM'))) };
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      if (listening) {
        for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) handle.auditLines += 1;
        return;
      }
      stderr += chunk;
      const match = /"event":"listening","url":"([^"]+)"/.exec(stderr);
      if (match) {
        listening = true;
        handle.url = match[1];
        resolve(handle);
      }
    });
    child.once('close', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

/** `total` GETs of `url` with `concurrency` workers on one keep-alive agent; latencies in ms. */
async function load(url, headers, concurrency, total) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, headers });
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const t = performance.now();
        const response = await client(url);
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rps: total / seconds, p50: at(0.5), p99: at(0.99) };
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const api = await startApi();
const { home, env, key } = setUpHome(api.url);
const serve = await startServe(env);
const direct = `${api.url}/items`;
const proxied = `${serve.url}/v1/proxy/benchapi/default/items`;
let missed = false;
try {
  // Warm both paths (the first proxied request also opens the connection and its session).
  await load(direct, { 'x-api-key': API_KEY }, 4, 500);
  await load(proxied, { authorization: `Bearer ${key}` }, 4, 500);
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const runs = { direct: [], proxy: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.direct.push(await load(direct, { 'x-api-key': API_KEY }, concurrency, REQUESTS));
      const cpuBefore = cpuSecondsOf(serve.pid);
      const run = await load(proxied, { authorization: `Bearer ${key}` }, concurrency, REQUESTS);
      const cpuAfter = cpuSecondsOf(serve.pid);
      run.serveCpuUs = cpuBefore === undefined || cpuAfter === undefined ? NaN : ((cpuAfter - cpuBefore) * 1e6) / REQUESTS;
      runs.proxy.push(run);
    }
    const pick = (list, field) => median(list.map((run) => run[field]));
    const row = {
      concurrency,
      directRps: pick(runs.direct, 'rps'),
      proxyRps: pick(runs.proxy, 'rps'),
      addedP50: pick(runs.proxy, 'p50') - pick(runs.direct, 'p50'),
      addedP99: pick(runs.proxy, 'p99') - pick(runs.direct, 'p99'),
      serveCpuUs: pick(runs.proxy, 'serveCpuUs'),
    };
    rows.push(row);
    if (concurrency === 16 && row.proxyRps / row.directRps < 0.7) missed = true;
    if (concurrency === 1 && row.addedP50 > 1) missed = true;
  }
  console.log(`serve proxy vs direct got, ${REQUESTS} requests x ${ROUNDS} rounds, medians (load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
  console.log('| callers | direct req/s | proxy req/s | ratio | p50 added | p99 added | serve CPU per request |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.concurrency} | ${r.directRps.toFixed(0)} | ${r.proxyRps.toFixed(0)} | **${(r.proxyRps / r.directRps).toFixed(2)}** | ${r.addedP50.toFixed(2)} ms | ${r.addedP99.toFixed(2)} ms | ${r.serveCpuUs.toFixed(0)} µs |`);
  }
  console.log('targets: ratio >= 0.7 at 16 callers; p50 added <= 1 ms (at 1 caller)');
  const proxiedTotal = 500 + CONCURRENCY.length * ROUNDS * REQUESTS;
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last audit lines
  console.log(`audit lines read: ${serve.auditLines} for ${proxiedTotal} proxied requests`);
} finally {
  await serve.stop();
  await api.close();
  rmSync(home, { recursive: true, force: true });
}
if (missed && process.env.BENCH_ENFORCE === '1') process.exit(1);
