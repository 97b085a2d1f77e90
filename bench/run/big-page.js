#!/usr/bin/env node
// Memory on big pages: peak RSS of `connectors run` (the built CLI, a child, stdout piped and
// counted) reading ONE page of about 50 MB and 150 MB (`items` holding 700,000 / 2,100,000
// records of ~72 bytes), against the same run over a one-record page (the baseline: what the
// process costs without data) measured in the same run. The got loop is not a contender here: it
// parses each page whole, as the engine did before (570 MB for 50 MB, 1.5 GB for 150 MB).
// Target: peak RSS for the 150 MB page under 300 MB.
// Usage: node bench/run/big-page.js   (BENCH_ROUNDS, default 1; BENCH_SIZES="700000,2100000")
import { join } from 'node:path';
import { measure, median, root, here, startBenchServer } from './common.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const SIZES = (process.env.BENCH_SIZES ?? '700000,2100000').split(',').map(Number);
const cli = join(root, 'cli', 'bin', 'run.js');
const manifest = join(here, 'big-page.yaml');

const largest = Math.max(...SIZES);
const server = await startBenchServer(largest);
const out = { benchmark: 'run-big-page', rounds: ROUNDS, pages: [] };
try {
  const run = (limit) => measure([cli, 'run', manifest, '--config', `base_url=${server.url}`, '--config', `limit=${limit}`]);
  const baseline = [];
  for (let round = 0; round < ROUNDS; round += 1) baseline.push((await run(1)).rssKb);
  const base = median(baseline);
  out.baselineMB = Number((base / 1024).toFixed(1));
  for (const total of SIZES) {
    const bytes = Buffer.byteLength(JSON.stringify({ items: Array.from({ length: 3 }, (_, i) => ({ id: i + 1, name: `Record ${i + 1}`, updated_at: '2024-01-01T00:01:00Z' })) })) / 3 * total;
    const rss = [];
    let wallMs = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const r = await run(total);
      if (r.records !== total) throw new Error(`wrote ${r.records} records, expected ${total}`);
      rss.push(r.rssKb);
      wallMs = r.wallMs;
    }
    const peak = median(rss);
    process.stderr.write(`page of ${total} records (~${(bytes / 1e6).toFixed(0)} MB): peak RSS ${(peak / 1024).toFixed(1)} MB, ${(wallMs / 1000).toFixed(1)} s\n`);
    out.pages.push({ records: total, approxMB: Math.round(bytes / 1e6), peakMB: Number((peak / 1024).toFixed(1)), ratioToBaseline: Number((peak / base).toFixed(2)), recordsPerS: Math.round(total / (wallMs / 1000)) });
  }
  const biggest = out.pages.at(-1);
  out.target = 'peak RSS of the largest page < 300 MB';
  out.pass = biggest.peakMB < 300;
  console.log(JSON.stringify(out, null, 2));
} finally {
  await server.close();
}
