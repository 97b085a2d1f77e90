/**
 * Child processes in the multi-process tests run the real secrets and sessions modules. This
 * transpiles them (and the few core files they import) to plain ESM in a temp folder, so the
 * tests need neither a build of the whole package nor a TypeScript loader.
 */
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILES = ['errors.ts', 'plugin-api.ts', 'reserved-keys.ts', 'describe-system-error.ts', 'make-directory.ts'];
const FOLDERS = ['secrets', 'sessions'];

let compiled: Promise<string> | undefined;

/** The folder holding `secrets/*.js` and `sessions/*.js`, compiled once per test file. */
export function compileForChildren(): Promise<string> {
  compiled ??= compile();
  return compiled;
}

async function compile(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'connectors-dist-'));
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  const files = [...FILES];
  for (const folder of FOLDERS) {
    for (const name of await readdir(join(SRC, folder))) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(join(folder, name));
    }
  }
  for (const file of files) {
    const source = await readFile(join(SRC, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return out;
}
