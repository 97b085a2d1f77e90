#!/usr/bin/env node
// @ts-check
/**
 * How much of a real provider catalog the manifest can express (issue 12's measure): every
 * provider of Nango's providers.yaml (`@nangohq/providers`, a pinned devDependency) is translated
 * into a manifest (translate.js), which `connectors validate`'s code must accept, and counted as
 * expressed only when nothing that changes a login or a request is lost. Prints the share per
 * auth mode, the share of OAUTH2 + OAUTH2_CC + API_KEY + BASIC + TWO_STEP (target >= 95 %), and
 * the reasons for the rest, ranked by how many providers each blocks.
 * Usage: node bench/auth-coverage/run.js   (after npm run build; BENCH_JSON=1 for JSON only)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { createBuiltInRegistry, validateManifestFile } from '@connectors/core';
import { translateProvider } from './translate.js';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@nangohq/providers/package.json'));
const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
const providers = /** @type {Record<string, any>} */ (yaml.load(readFileSync(join(packageDir, 'providers.yaml'), 'utf8')));
const TARGET_MODES = ['OAUTH2', 'OAUTH2_CC', 'API_KEY', 'BASIC', 'TWO_STEP'];

const registry = createBuiltInRegistry();
const dir = mkdtempSync(join(tmpdir(), 'connectors-auth-coverage-'));
/** @type {Record<string, { total: number, expressed: number }>} */
const byMode = {};
/** @type {Map<string, number>} */
const reasons = new Map();
let invalid = 0;
try {
  for (const [name, provider] of Object.entries(providers)) {
    const mode = String(provider.auth_mode ?? 'none');
    byMode[mode] ??= { total: 0, expressed: 0 };
    byMode[mode].total += 1;
    const { manifest, lost } = translateProvider(name, provider);
    const file = join(dir, `${manifest.name}.yaml`);
    writeFileSync(file, yaml.dump(manifest));
    const { problems } = await validateManifestFile(file, { registry });
    if (problems.length) {
      invalid += 1;
      lost.push(`manifest refused: ${problems[0].message.replace(/"[^"]*"/g, '"…"').slice(0, 80)}`);
    }
    if (lost.length === 0) byMode[mode].expressed += 1;
    if (TARGET_MODES.includes(mode)) for (const reason of new Set(lost)) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const target = TARGET_MODES.reduce((sum, mode) => ({ total: sum.total + (byMode[mode]?.total ?? 0), expressed: sum.expressed + (byMode[mode]?.expressed ?? 0) }), { total: 0, expressed: 0 });
const all = Object.values(byMode).reduce((sum, m) => ({ total: sum.total + m.total, expressed: sum.expressed + m.expressed }), { total: 0, expressed: 0 });
const share = (m) => `${m.expressed}/${m.total} = ${((100 * m.expressed) / Math.max(1, m.total)).toFixed(1)} %`;
const result = {
  benchmark: 'auth-coverage',
  catalog: `@nangohq/providers@${version}`,
  providers: all.total,
  expressed: share(all),
  targetModes: share(target),
  target: '>= 95 % of OAUTH2, OAUTH2_CC, API_KEY, BASIC and TWO_STEP',
  pass: target.expressed / target.total >= 0.95,
  manifestsRefused: invalid,
  byMode: Object.fromEntries(Object.entries(byMode).sort((a, b) => b[1].total - a[1].total).map(([mode, m]) => [mode, share(m)])),
  reasons: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1])),
};
console.log(JSON.stringify(result, null, 2));
