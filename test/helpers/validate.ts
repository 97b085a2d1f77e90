import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, type CliResult } from './cli.js';

/** The fixtures of the validate/list end-to-end tests. */
export const validateFixtures = join(repoRoot, 'test', 'fixtures', 'validate');

/** Lines of `output` that look like a stack frame. */
export function stackLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\s+at /.test(line));
}

/** Non-empty lines of `output`. */
export function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

/** A temporary folder with `files` (relative path -> text, or a folder to copy), removed by cleanup. */
export function makeTree(files: Record<string, string | { copy: string }> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'connectors-validate-'));
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === 'string') writeFileSync(target, content);
    else cpSync(content.copy, target, { recursive: true });
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts nothing of a failed run looks like a crash: no stack frame, no "Unexpected error". */
export function crashSigns(result: CliResult): string[] {
  const all = `${result.stdout}\n${result.stderr}`;
  return [...stackLines(all), ...lines(all).filter((line) => line.includes('Unexpected error'))];
}
