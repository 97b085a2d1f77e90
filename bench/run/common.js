// Shared by the run benchmarks: the local API, the two contenders as child processes, and
// measuring a child's records, time and peak RSS. Everything listens on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPagedServer } from '../../test/servers/paged-api.js';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
const cli = join(root, 'cli', 'bin', 'run.js');
const TIME = '/usr/bin/time';

/** The paged API serving `total` records; pages are serialized once and cached. */
export async function startBenchServer(total) {
  if (!existsSync(cli)) throw new Error('Build first: npx tsc -b core cli && node cli/scripts/copy-catalog.js');
  return startPagedServer({ total, log: false });
}

/** The command line of each contender. */
export function commands(url, extraNodeArgs = []) {
  return {
    engine: [...extraNodeArgs, cli, 'run', join(here, 'bench.yaml'), '--config', `base_url=${url}`],
    loop: [...extraNodeArgs, join(here, 'got-loop.js'), url, '1000'],
  };
}

/**
 * Runs `node ...args` with stdout piped and counted. Resolves to the RECORD lines, the wall time
 * (spawn to exit), the time from the first stdout byte to exit (startup excluded), and the peak
 * RSS in kB (from /usr/bin/time when present, else /proc/<pid>/status VmHWM polled every 10 ms).
 */
export function measure(args, { env = {} } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'connectors-bench-run-'));
  const useTime = existsSync(TIME);
  const timeFile = join(home, 'time.txt');
  const [command, argv] = useTime ? [TIME, ['-f', '%M', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte;
    const child = spawn(command, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CONNECTORS_HOME: home, ...env },
    });
    let lines = 0;
    let stderr = '';
    let hwm = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {}
        }, 10);
    child.stdout.on('data', (chunk) => {
      firstByte ??= performance.now();
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    });
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ended = performance.now();
      if (poll) clearInterval(poll);
      const rssKb = useTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : hwm;
      rmSync(home, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      resolve({ records: lines - 1, wallMs: ended - started, streamMs: ended - (firstByte ?? ended), rssKb });
    });
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
