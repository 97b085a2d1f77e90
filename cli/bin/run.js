#!/usr/bin/env node
// oclif's own debug output (DEBUG=* or DEBUG=oclif*) prints the raw command line, which may hold
// a `--value` secret, and no redaction can reach it. Only the runtime's redacted diagnostics are
// let through: `DEBUG=*` and `DEBUG=connectors*` both turn those on.
if (process.env.DEBUG) {
  process.env.DEBUG = process.env.DEBUG.split(/[\s,]+/)
    .map((pattern) => (pattern === '*' ? 'connectors*' : pattern))
    .filter((pattern) => pattern.startsWith('connectors'))
    .join(',');
}

// `connectors --version` answers before oclif loads: oclif's configuration alone takes a few times
// a bare node's start-up. The line is oclif's own (`config.userAgent`), built the same way (oclif
// says `wsl` instead of `linux` under WSL, which this does not detect).
if (process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const { arch, platform } = await import('node:os');
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const cpu = arch() === 'ia32' ? 'x86' : arch();
  process.stdout.write(`${pjson.name}/${pjson.version} ${platform()}-${cpu} node-${process.version}\n`);
} else {
  // The bundle (cli/scripts/bundle.js): oclif, the error handling and the commands in a few files.
  const { main } = await import('../dist/bundle/main.js');
  await main(process.argv.slice(2), import.meta.url);
}
