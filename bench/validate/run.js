// Benchmark: `validatePaths` over 1,000 generated manifests in one process, against raw
// parse + ajv validate of the same files, measured in the same run, with two raw parsers:
// js-yaml (the baseline) and the `yaml` package (which keeps positions).
// Build first: cd /work/main && npx tsc -b core
// Targets: >= 2,000 manifests/s, ratio <= 1.3.
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import jsYaml from 'js-yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { generateCatalog } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const core = join(here, '../../core/dist');
const { validatePaths } = await import(join(core, 'manifest/validate-paths.js'));
const { createBuiltInRegistry } = await import(join(core, 'auth/schemes/index.js'));
const { formatProblem } = await import(join(core, 'manifest/problem.js'));

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const addFormats = addFormatsModule.default ?? addFormatsModule;

const dir = await mkdtemp(join(tmpdir(), 'connectors-bench-validate-'));
try {
  const files = await generateCatalog(dir, COUNT);
  const registry = createBuiltInRegistry();

  // Baseline: the same schema, compiled once with the same options, over the same files.
  const schema = JSON.parse(await readFile(join(here, '../../schemas/connector.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, useDefaults: true });
  addFormats(ajv);
  const validateRaw = ajv.compile(schema);
  const parsers = {
    'js-yaml': (text) => jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }),
    yaml: (text) => parse(text),
  };
  async function baseline(parser) {
    let invalid = 0;
    for (const file of files) {
      const value = parsers[parser](await readFile(file, 'utf8'));
      if (!validateRaw(value)) invalid++;
    }
    return invalid;
  }
  async function ours() {
    return validatePaths([dir], { registry });
  }

  // Warm up both (JIT, schema compilation), and check the generated manifests are valid.
  const check = await ours();
  if (!check.valid || check.manifests !== COUNT) {
    console.error(check.problems.slice(0, 5).map(formatProblem).join('\n'));
    throw new Error(`generated manifests should be valid (${check.problems.length} problems)`);
  }
  for (const parser of Object.keys(parsers)) {
    if ((await baseline(parser)) !== 0) throw new Error(`the ${parser} baseline found invalid manifests`);
  }

  const oursMs = [];
  const rawMs = { 'js-yaml': [], yaml: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const parser of Object.keys(parsers)) {
      const t = performance.now();
      await baseline(parser);
      rawMs[parser].push(performance.now() - t);
    }
    const t = performance.now();
    await ours();
    oursMs.push(performance.now() - t);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perSecond = (ms) => Math.round((COUNT / ms) * 1000);
  const oursMedian = median(oursMs);
  const jsYamlMedian = median(rawMs['js-yaml']);
  const yamlMedian = median(rawMs.yaml);
  const result = {
    manifests: COUNT,
    rounds: ROUNDS,
    validatePathsMs: Number(oursMedian.toFixed(1)),
    manifestsPerSecond: perSecond(oursMedian),
    rawJsYamlMs: Number(jsYamlMedian.toFixed(1)),
    rawJsYamlManifestsPerSecond: perSecond(jsYamlMedian),
    ratio: Number((oursMedian / jsYamlMedian).toFixed(3)),
    rawYamlMs: Number(yamlMedian.toFixed(1)),
    rawYamlManifestsPerSecond: perSecond(yamlMedian),
    ratioVsYaml: Number((oursMedian / yamlMedian).toFixed(3)),
    node: process.version,
  };
  console.log(`validate: ${COUNT} manifests in ${result.validatePathsMs} ms = ${result.manifestsPerSecond} manifests/s (target >= 2000)`);
  console.log(`raw js-yaml parse + ajv validate: ${result.rawJsYamlMs} ms = ${result.rawJsYamlManifestsPerSecond} manifests/s; ratio ${result.ratio} (target <= 1.3)`);
  console.log(`raw yaml parse + ajv validate: ${result.rawYamlMs} ms = ${result.rawYamlManifestsPerSecond} manifests/s; ratio ${result.ratioVsYaml}`);
  console.log(`median of ${ROUNDS} rounds, ${process.version}`);
  const out = join(here, '../results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'validate.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (process.env.BENCH_ENFORCE && (result.manifestsPerSecond < 2000 || result.ratio > 1.3)) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
