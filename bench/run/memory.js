#!/usr/bin/env node
// Memory: peak RSS of the `connectors run` process (the built CLI, a child, stdout piped and
// counted) for 200,000 records versus 20,000, pages of 1,000 from the local API; the same for the
// got loop (got-loop.js) in the same run, to show what any Node process fetching these pages
// costs. Peak RSS from /usr/bin/time (%M) when present, else VmHWM polled from /proc.
// Target: engine peak(200k) / peak(20k) <= 1.3.
// Usage: node bench/run/memory.js   (BENCH_ROUNDS; BENCH_NODE_ARGS="--max-semi-space-size=1" to try V8 flags)
import { commands, measure, median, startBenchServer } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = [20_000, 200_000];
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
const ratio = (name) => Number((peaks[name][SIZES[1]] / peaks[name][SIZES[0]]).toFixed(2));
const mb = (kb) => Number((kb / 1024).toFixed(1));
const result = {
  benchmark: 'run-memory',
  nodeArgs,
  rounds: ROUNDS,
  engine: { peakMB20k: mb(peaks.engine[SIZES[0]]), peakMB200k: mb(peaks.engine[SIZES[1]]), ratio: ratio('engine') },
  loop: { peakMB20k: mb(peaks.loop[SIZES[0]]), peakMB200k: mb(peaks.loop[SIZES[1]]), ratio: ratio('loop') },
  target: 'engine ratio <= 1.3',
  pass: ratio('engine') <= 1.3,
};
console.log(JSON.stringify(result, null, 2));
