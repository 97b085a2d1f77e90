// Build step: splices one `if {scheme: const X} then {...}` branch per built-in scheme, inlined
// from auth/*.json, into connector.schema.json at `$defs.auth.allOf`. Only that value is
// rewritten (jsonc-parser finds its span in the text), so hand edits elsewhere in the file and
// their formatting stay as they are. `--check` exits 1 instead of writing when the file differs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { AUTH_BRANCHES_PATH, buildSchemeBranches } from '../scheme-branches.js';

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const connectorSchemaFile = join(schemasDir, 'connector.schema.json');

/** The built-in schemes from auth/*.json, by file name (`api_key.json` is `api_key`). */
export function readBuiltInSchemes(dir = schemasDir) {
  return readdirSync(join(dir, 'auth'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.json'.length), options: JSON.parse(readFileSync(join(dir, 'auth', file), 'utf8')) }));
}

/** `value` as indented JSON whose lines after the first start at `indent`. */
function formatValue(value, indent) {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/** The indentation of the line holding `offset`. */
function indentAt(text, offset) {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))[0];
}

/** `text` (the connector schema) with its branches replaced by those of `schemes`. */
export function spliceAuthBranches(text, schemes) {
  const { branches, defs } = buildSchemeBranches(schemes);
  if (Object.keys(defs).length > 0) throw new Error('built-in scheme schemas must not use $defs');
  const tree = parseTree(text);
  const existing = tree && findNodeAtLocation(tree, AUTH_BRANCHES_PATH);
  if (existing) {
    const value = formatValue(branches, indentAt(text, existing.offset));
    return text.slice(0, existing.offset) + value + text.slice(existing.offset + existing.length);
  }
  const parent = tree && findNodeAtLocation(tree, AUTH_BRANCHES_PATH.slice(0, -1));
  const last = parent?.children?.at(-1);
  if (!last) throw new Error(`connector.schema.json has no ${AUTH_BRANCHES_PATH.slice(0, -1).join('.')} object`);
  const indent = indentAt(text, last.offset);
  const end = last.offset + last.length;
  const key = AUTH_BRANCHES_PATH.at(-1);
  return `${text.slice(0, end)},\n${indent}${JSON.stringify(key)}: ${formatValue(branches, indent)}${text.slice(end)}`;
}

/** What connector.schema.json must hold: its current text with freshly generated branches. */
export function generateConnectorSchemaText(dir = schemasDir) {
  const file = join(dir, 'connector.schema.json');
  return spliceAuthBranches(readFileSync(file, 'utf8'), readBuiltInSchemes(dir));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(connectorSchemaFile, 'utf8');
  const generated = generateConnectorSchemaText();
  if (current === generated) process.exit(0);
  if (process.argv.includes('--check')) {
    console.error('connector.schema.json: the auth branches differ from auth/*.json; run `npm run build -w schemas`.');
    process.exit(1);
  }
  writeFileSync(connectorSchemaFile, generated);
  console.log('connector.schema.json: auth branches regenerated from auth/*.json');
}
