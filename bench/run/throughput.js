#!/usr/bin/env node
// Throughput: `connectors run` (the built CLI, a child process, stdout piped and counted) against
// a minimal got loop (got-loop.js, also a child) fetching the same 200,000 records in pages of
// 1,000 from the same local API and writing the same Singer RECORD lines. Rounds alternate the
// two; the medians are compared. Targets: engine >= 0.9 of the loop's records/s over the whole
// process (wall) and >= 0.95 from the first stdout byte (streaming).
// Usage: node bench/run/throughput.js   (BENCH_TOTAL, BENCH_ROUNDS to change the size)
import { commands, measure, median, startBenchServer } from './common.js';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const server = await startBenchServer(TOTAL);
try {
  const cmd = commands(server.url);
  await measure(cmd.loop); // warm the server's page cache and the file system cache
  const results = { engine: [], loop: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of round % 2 ? ['loop', 'engine'] : ['engine', 'loop']) {
      const r = await measure(cmd[name]);
      if (r.records !== TOTAL) throw new Error(`${name} wrote ${r.records} records, expected ${TOTAL}`);
      results[name].push(r);
      process.stderr.write(`round ${round + 1} ${name}: ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.streamMs / 1000).toFixed(2)} s streaming\n`);
    }
  }
  const rate = (rs, key) => TOTAL / (median(rs.map((r) => r[key])) / 1000);
  const out = {};
  for (const key of ['wallMs', 'streamMs']) {
    const engine = rate(results.engine, key);
    const loop = rate(results.loop, key);
    out[key === 'wallMs' ? 'wall' : 'streaming'] = { engineRecordsPerS: Math.round(engine), loopRecordsPerS: Math.round(loop), ratio: Number((engine / loop).toFixed(2)) };
  }
  const pass = out.wall.ratio >= 0.9 && out.streaming.ratio >= 0.95;
  console.log(JSON.stringify({ benchmark: 'run-throughput', records: TOTAL, pageSize: 1000, rounds: ROUNDS, ...out, target: 'wall ratio >= 0.9, streaming ratio >= 0.95', pass }, null, 2));
} finally {
  await server.close();
}
