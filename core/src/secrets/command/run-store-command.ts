/**
 * Runs one program of the command store (DESIGN.md section 10, `type: command`): argv as given,
 * never through a shell, optional stdin, a time limit, and stdout/stderr kept up to a cap.
 */
import { spawn } from 'node:child_process';

/** The most stdout or stderr a store command may print (a secret is far smaller). */
export const STORE_COMMAND_MAX_OUTPUT_BYTES = 1024 * 1024;

/** How one store command ended. */
export type StoreCommandOutcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'signaled'; signal: string; stderr: string }
  | { kind: 'timed-out' }
  | { kind: 'too-much-output' }
  | { kind: 'not-started'; reason: string; notFound: boolean };

/** What {@link runStoreCommand} needs. */
export interface StoreCommandRun {
  argv: readonly string[];
  /** Written to the program's stdin, which is then closed; without it stdin is empty. */
  input?: string;
  timeoutMs: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs `argv[0]` with the rest as its arguments and reports how it ended; it never throws. */
export function runStoreCommand(run: StoreCommandRun): Promise<StoreCommandOutcome> {
  return new Promise((resolve) => {
    const [program, ...args] = run.argv;
    let settled = false;
    const finish = (outcome: StoreCommandOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const child = spawn(program!, args, { cwd: run.cwd, env: run.env, stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const stop = (outcome: StoreCommandOutcome): void => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish(outcome);
    };
    const timer = setTimeout(() => stop({ kind: 'timed-out' }), run.timeoutMs);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > 2 * STORE_COMMAND_MAX_OUTPUT_BYTES) stop({ kind: 'too-much-output' });
      else into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ kind: 'not-started', reason: error.code ?? error.message, notFound: error.code === 'ENOENT' });
    });
    child.stdin.on('error', () => {
      // the program exited without reading its input: its exit status says what happened
    });
    child.stdin.end(run.input ?? '');
    child.on('close', (code, signal) => {
      const err = Buffer.concat(stderr).toString('utf8');
      if (signal) finish({ kind: 'signaled', signal, stderr: err });
      else finish({ kind: 'exited', code: code ?? 0, stdout: Buffer.concat(stdout).toString('utf8'), stderr: err });
    });
  });
}
