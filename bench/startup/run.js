// Benchmark: start-up of the built CLI. Times N runs of each command as a child process and
// compares each median with the median of a bare `node -e 0` measured in the same run, rounds
// interleaved so that load from other jobs weighs on every contender alike.
// Build first: npm run build. Targets: `--version` <= 4x, `list` and `validate` of the catalog
// <= 6x a bare node. BENCH_ROUNDS (default 15); BENCH_ENFORCE=1 exits 1 on a missed target.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'cli', 'bin', 'run.js');
const catalog = join(root, 'connectors');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

if (!existsSync(cli)) throw new Error('Build first: npm run build');

/** The contenders: a label, the node arguments, and the target ratio against bare node. */
const contenders = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'connectors --version', args: [cli, '--version'], target: 4 },
  { label: 'connectors list', args: [cli, 'list', '--catalog', catalog], target: 6 },
  { label: 'connectors validate', args: [cli, 'validate', catalog], target: 6 },
];

const home = mkdtempSync(join(tmpdir(), 'connectors-bench-startup-'));
/** Runs `node ...args` once, from an empty folder; resolves to its wall time in ms. */
function time(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: home,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, HOME: home, CONNECTORS_HOME: join(home, 'data') },
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

try {
  for (const contender of contenders) time(contender.args); // warm the file system cache
  const samples = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    contenders.forEach((contender, index) => samples[index].push(time(contender.args)));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const medians = samples.map(median);
  const bare = medians[0];
  let missed = 0;
  const result = { rounds: ROUNDS, node: process.version, bareNodeMs: Number(bare.toFixed(1)), commands: {} };
  console.log(`node -e 0: ${bare.toFixed(0)} ms (median of ${ROUNDS})`);
  contenders.slice(1).forEach((contender, i) => {
    const ms = medians[i + 1];
    const ratio = ms / bare;
    const met = ratio <= contender.target;
    if (!met) missed += 1;
    result.commands[contender.label] = { ms: Number(ms.toFixed(1)), ratio: Number(ratio.toFixed(2)), target: contender.target };
    console.log(`${contender.label}: ${ms.toFixed(0)} ms = ${ratio.toFixed(2)}x bare node (target <= ${contender.target}x${met ? '' : ': MISSED'})`);
  });
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'startup.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (process.env.BENCH_ENFORCE && missed > 0) process.exitCode = 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
