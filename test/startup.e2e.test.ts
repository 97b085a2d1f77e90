/**
 * Issue 9, start-up: the commands load only what they use. `--version` answers without oclif,
 * oclif reads the commands from oclif.manifest.json instead of importing every command, the
 * commands run from the build's bundle (oclif, core and the CLI in a few files rather than ~200
 * small modules), and `list` and `validate` of the catalog load neither the HTTP stack (got,
 * tough-cookie), the container (tsyringe), nor Ajv's compiler (the validators are precompiled).
 * The times are in bench/startup; these tests check the cause, which does not depend on the
 * machine's load.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Config } from '@oclif/core';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogDir, repoRoot, runCli } from './helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'connectors-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const recorder = join(repoRoot, 'test', 'fixtures', 'startup', 'record-modules.mjs');
let runs = 0;

/** Runs the CLI and returns its result with the files of every module it loaded. */
async function modulesLoadedBy(args: string[]) {
  runs += 1;
  const file = join(scratch, `modules-${runs}.txt`);
  const result = await runCli(args, {
    env: { CONNECTORS_HOME: join(scratch, 'home'), RECORD_MODULES_FILE: file, NODE_OPTIONS: `--import=${recorder}` },
  });
  const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { result, modules };
}

/** The modules of a package in node_modules (`got`, `@oclif/core`), or below a subfolder of it. */
function fromPackage(modules: string[], name: string): string[] {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return modules.filter((file) => file.includes(marker));
}

const HEAVY = ['got', 'tough-cookie', 'tsyringe', 'jose', 'ajv/dist/compile'];
const cliDist = join(repoRoot, 'cli', 'dist');
const bundleDir = join(cliDist, 'bundle');
const coreDist = join(repoRoot, 'core', 'dist');
const pjson = JSON.parse(readFileSync(join(repoRoot, 'cli', 'package.json'), 'utf8')) as { files: string[]; oclif: { commands: string } };

describe('start-up', () => {
  it('--version prints oclif\'s own version line without loading oclif', async () => {
    const { result, modules } = await modulesLoadedBy(['--version']);
    const config = await Config.load(join(repoRoot, 'cli'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${config.userAgent}\n`);
    expect(fromPackage(modules, '@oclif/core')).toEqual([]);
    expect(modules.filter((file) => file.startsWith(coreDist + sep) || file.startsWith(cliDist + sep))).toEqual([]);
  });

  it('the build writes oclif.manifest.json with every command of the bundle oclif.commands names, and the package ships it', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'cli', 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, { relativePath: string[] }>;
    };
    const commandsDir = join(repoRoot, 'cli', pjson.oclif.commands);
    expect(commandsDir).toBe(join(bundleDir, 'commands'));
    const ids: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.js')) ids.push(relative(commandsDir, path).slice(0, -3).split(sep).join(':'));
      }
    };
    walk(commandsDir);
    expect(ids.length).toBeGreaterThan(10);
    expect(Object.keys(manifest.commands).sort()).toEqual(ids.sort());
    for (const [id, command] of Object.entries(manifest.commands)) {
      expect(join(repoRoot, 'cli', ...command.relativePath), id).toBe(join(commandsDir, `${id.split(':').join(sep)}.js`));
    }
    expect(pjson.files).toContain('oclif.manifest.json');
  });

  it.each([
    ['list', ['list', '--catalog', catalogDir]],
    ['validate', ['validate', catalogDir]],
  ])('%s of the catalog imports only its own command and no HTTP, container or schema compiler', async (id, args) => {
    const { result, modules } = await modulesLoadedBy(args);
    expect(result.code, result.stderr).toBe(0);
    const commands = modules.filter((file) => file.startsWith(join(bundleDir, 'commands') + sep));
    expect([...new Set(commands)].map((file) => relative(join(bundleDir, 'commands'), file))).toEqual([`${id}.js`]);
    for (const name of HEAVY) expect(fromPackage(modules, name), name).toEqual([]);
    // oclif, core and the CLI come from the bundle, not module by module; of core's files only
    // the precompiled validators (generated CommonJS, found next to core's schema module) load.
    expect(fromPackage(modules, '@oclif/core')).toEqual([]);
    expect(modules.filter((file) => file.startsWith(coreDist + sep) && !file.startsWith(join(coreDist, 'schema', 'precompiled') + sep))).toEqual([]);
    expect(modules.filter((file) => file.startsWith(cliDist + sep) && !file.startsWith(bundleDir + sep))).toEqual([]);
  });
});
