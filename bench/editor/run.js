// Measurement (issue 9, editor): what yaml-language-server flags in the broken manifests of
// test/helpers/editor-manifests.mjs (each rejected by `connectors validate`), with the manifest
// schema as it was before the per-scheme if/then branches (read from git history into a temp
// file) and as it is now, plus the project schema of `connectors schema`; and what completion
// and hover give inside `auth:` with each. Every schema is measured in the same run, by the same
// server. Build first (`npm run build`): the project schema comes from the built CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brokenManifests, lineOf, withSchemaModeline } from '../../test/helpers/editor-manifests.mjs';
import { LanguageServer } from '../../test/helpers/language-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The parent of 1b2030c ("Editor: inline one closed if/then branch per built-in scheme into auth"). */
const BEFORE_BRANCHES = 'b6acbdd9057301dd1c28981d5d8d98d1fb33c66e';

const work = mkdtempSync(join(tmpdir(), 'connectors-bench-editor-'));
let server;
try {
  const schemas = {
    before: join(work, 'before.schema.json'),
    after: join(root, 'schemas', 'connector.schema.json'),
    project: join(work, 'project.schema.json'),
  };
  writeFileSync(schemas.before, execFileSync('git', ['show', `${BEFORE_BRANCHES}:schemas/connector.schema.json`], { cwd: root }));
  const written = spawnSync(process.execPath, [join(root, 'cli', 'bin', 'run.js'), 'schema', '--out', schemas.project], {
    cwd: work,
    env: { PATH: process.env.PATH, CONNECTORS_HOME: join(work, 'home') },
    encoding: 'utf8',
  });
  if (written.status !== 0) throw new Error(`connectors schema failed: ${written.stderr.trim()}`);

  server = await LanguageServer.start({ rootUri: pathToFileURL(work).href });
  let documents = 0;
  const open = async (text) => {
    const uri = pathToFileURL(join(work, `document-${++documents}.yaml`)).href;
    return { uri, diagnostics: await server.open(uri, text) };
  };

  const auth = ['apiVersion: connectors/v1', 'name: acme', 'auth:', '  scheme: oauth2', '  ', '  token_url: https://x.example/t', 'streams:', '  - {name: a, path: /a}', ''].join('\n');
  const rows = [];
  for (const [label, schema] of Object.entries(schemas)) {
    const missed = [];
    for (const broken of brokenManifests) {
      const text = withSchemaModeline(broken.text, schema);
      const { uri, diagnostics } = await open(text);
      server.close(uri);
      const flagged = broken.at === null ? diagnostics.length > 0 : diagnostics.some((d) => d.range.start.line === lineOf(text, broken.at));
      if (!flagged) missed.push(broken.name);
    }
    const text = withSchemaModeline(auth, schema);
    const { uri } = await open(text);
    const completion = await server.completion(uri, { line: lineOf(text, 'scheme: oauth2') + 1, character: 2 });
    const labels = (Array.isArray(completion) ? completion : completion.items).map((item) => item.label);
    const hover = await server.hover(uri, { line: lineOf(text, 'token_url'), character: 4 });
    server.close(uri);
    const hoverText = hover?.contents?.value?.split('\n').find((line) => line !== '' && !line.startsWith('#')) ?? '';
    rows.push({ label, flagged: brokenManifests.length - missed.length, missed, labels, hoverText });
  }

  const n = brokenManifests.length;
  console.log(`yaml-language-server ${server.serverVersion ?? ''}, ${n} broken manifests, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const row of rows) {
    console.log(`\n${row.label}: ${row.flagged} of ${n} flagged on their line`);
    for (const name of row.missed) console.log(`  missed: ${name}`);
    console.log(`  completion in an oauth2 auth block: ${row.labels.join(', ')}`);
    console.log(`  hover on token_url: ${row.hoverText === '' ? '(empty)' : row.hoverText}`);
  }
  const [before, after] = rows;
  console.log(`\nbefore: ${before.flagged} of ${n} flagged, after: ${after.flagged} of ${n} (project schema: ${rows[2].flagged} of ${n})`);
} finally {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
}
