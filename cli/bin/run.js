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

const { flush, run } = await import('@oclif/core');
const { handleError } = await import('../dist/handle-error.js');

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (error) {
  handleError(error);
}
