#!/usr/bin/env node
// Memory: peak RSS of the `connectors run` process (the built CLI, a child, stdout piped and
// counted) for 20,000, 200,000 and 2,000,000 records, pages of 1,000 from the local API; the same
// for the got loop (got-loop.js) in the same run, to show what any Node process fetching these
// pages costs. Peak RSS from /usr/bin/time (%M) when present, else VmHWM polled from /proc.
// Target (the plateau): engine peak(2M) / peak(200k) <= 1.15; peak(200k) / peak(20k) is reported.
// Usage: node bench/run/memory.js   (BENCH_ROUNDS; BENCH_SIZES="20000,200000,2000000";
//        BENCH_NODE_ARGS="--max-semi-space-size=1" to try V8 flags)
import { commands, measure, median, startBenchServer } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '20000,200000,2000000').split(',').map(Number);
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

const peaks = { engine: {}, loop: {} };
for (const total of SIZES) {
  const server = await startBenchServer(total);
  try {
    const cmd = commands(server.url, nodeArgs);
    await measure(cmd.loop); // warm the page cache
    for (const name of ['engine', 'loop']) {
      const rss = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const r = await measure(cmd[name]);
        if (r.records !== total) throw new Error(`${name} wrote ${r.records} records, expected ${total}`);
        rss.push(r.rssKb);
      }
      peaks[name][total] = median(rss);
      process.stderr.write(`${name} ${total}: peak RSS ${rss.map((kb) => (kb / 1024).toFixed(1)).join(', ')} MB\n`);
    }
  } finally {
    await server.close();
  }
}
const mb = (kb) => Number((kb / 1024).toFixed(1));
const describe = (name) => {
  const out = {};
  SIZES.forEach((size, i) => {
    out[`peakMB_${size}`] = mb(peaks[name][size]);
    if (i > 0) out[`ratio_${size}_${SIZES[i - 1]}`] = Number((peaks[name][size] / peaks[name][SIZES[i - 1]]).toFixed(2));
  });
  return out;
};
const [last, before] = [SIZES.at(-1), SIZES.at(-2)];
const plateau = Number((peaks.engine[last] / peaks.engine[before]).toFixed(2));
const result = {
  benchmark: 'run-memory',
  nodeArgs,
  rounds: ROUNDS,
  engine: describe('engine'),
  loop: describe('loop'),
  engineOverLoop: Object.fromEntries(SIZES.map((size) => [size, Number((peaks.engine[size] / peaks.loop[size]).toFixed(2))])),
  target: `engine peak(${last}) / peak(${before}) <= 1.15`,
  pass: plateau <= 1.15,
};
console.log(JSON.stringify(result, null, 2));
