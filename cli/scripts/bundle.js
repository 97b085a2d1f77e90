// Build step: bundles the CLI with esbuild into dist/bundle/, one file per command (the files
// oclif.commands and oclif.manifest.json point at) plus main.js for the bin, with the code they
// share split into chunks. Start-up then opens a handful of files instead of ~200 small modules
// (oclif's and core's), which cost more than the commands' work (issue 9, bench/README.md).
// Core's other runtime dependencies stay external: they load from node_modules, only when used.
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = join(cliDir, '..', 'core');
const outdir = join(cliDir, 'dist', 'bundle');
const CLI_ROOT = '__CONNECTORS_CLI_ROOT__';

/** The command modules under src/commands, and the bin's entry. */
function entryPoints() {
  const entries = [join(cliDir, 'src', 'main.ts')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) entries.push(path);
    }
  };
  walk(join(cliDir, 'src', 'commands'));
  return entries;
}

/** The packages left to node_modules: core's and the CLI's dependencies, except what is bundled. */
function externalPackages() {
  const deps = (dir) => Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {});
  // @connectors/schemas stays external: its files are found next to its index (`schemasDir`).
  // got, tough-cookie, tsyringe, the JSON and YAML parsers are what every `run` and `check` loads:
  // from node_modules they were ~150 small files read and resolved at each start (issue 9).
  // ajv stays out: the precompiled validators require its runtime from node_modules anyway.
  const bundled = new Set(['@connectors/core', '@oclif/core', 'got', 'tough-cookie', 'tsyringe', 'reflect-metadata', '@streamparser/json', 'js-yaml']);
  // typescript, ts-node and tsx: what oclif requires only to run a plugin from its TypeScript source.
  const devOnly = ['typescript', 'ts-node', 'tsx'];
  return [...deps(coreDir), ...deps(cliDir), ...devOnly].filter((name) => !bundled.has(name));
}

/**
 * Gives each bundled module of core and the CLI the `import.meta.url` of its compiled file in
 * dist/ (core's through the package, wherever it is installed), so that the files they find next
 * to themselves (precompiled validators, package.json, the shipped catalog) are still found.
 */
const moduleUrls = {
  name: 'module-urls',
  setup(build) {
    build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      const inCore = args.path.startsWith(join(coreDir, 'dist') + sep);
      const inCli = args.path.startsWith(join(cliDir, 'src') + sep);
      if (!inCore && !inCli) return undefined;
      const compiled = inCore
        ? relative(coreDir, args.path)
        : join('dist', relative(join(cliDir, 'src'), args.path)).replace(/\.ts$/, '.js');
      const url = inCore
        ? `__connectorsCoreUrl(${JSON.stringify(compiled.split(sep).join('/'))})`
        : `new URL(${JSON.stringify(compiled.split(sep).join('/'))}, __connectorsCliRoot).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader };
    });
  },
};

// Every output file gets: a `require` for the CommonJS modules bundled into ES modules (oclif's),
// the CLI package's root (the placeholder is replaced per file below), and core's files' URLs.
const banner = [
  "import { createRequire as __connectorsCreateRequire } from 'node:module';",
  "import { pathToFileURL as __connectorsPathToFileURL } from 'node:url';",
  'const require = __connectorsCreateRequire(import.meta.url);',
  `const __connectorsCliRoot = new URL('${CLI_ROOT}', import.meta.url);`,
  "const __connectorsCoreUrl = (path) => new URL(path, __connectorsPathToFileURL(require.resolve('@connectors/core/package.json'))).href;",
].join(' ');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: entryPoints(),
  outbase: join(cliDir, 'src'),
  outdir,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  keepNames: true,
  external: externalPackages(),
  banner: { js: banner },
  plugins: [moduleUrls],
  write: false,
  logLevel: 'warning',
});
for (const file of result.outputFiles) {
  const root = `${relative(dirname(file.path), cliDir).split(sep).join('/')}/`;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.text.replace(CLI_ROOT, root));
}
