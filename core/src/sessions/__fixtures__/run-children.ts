/** Starts child `node` processes together and collects what each printed and how it ended. */
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script>` `count` times at once with `env` (plus `CHILD_INDEX`). */
export function runChildren(script: string, count: number, env: Record<string, string>): Promise<ChildResult[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => runChild(script, { ...env, CHILD_INDEX: String(index) })));
}

export function runChild(script: string, env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
