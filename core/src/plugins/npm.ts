/** Runs npm as a child process for `connectors plugins install/uninstall`. */
import { spawn } from 'node:child_process';
import { PluginError } from '../errors.js';

/** What npm printed, for an error message. */
export interface NpmResult {
  stdout: string;
  stderr: string;
}

/** The flags every call gets: no audit, funding or update banners, errors only. */
export const NPM_QUIET_FLAGS = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'];

/**
 * The first telling line of npm's error output (npm 7+ prints `npm error`, older `npm ERR!`):
 * not its `code`/`syscall`/`path`/`errno` fields nor the log-file pointer, without the
 * lower-case code npm puts before each line (`404 Not Found - GET ...`, `enoent Could not ...`).
 */
export function summarizeNpmFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .filter((line) => /^npm (error|ERR!)/.test(line))
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim());
  const code = lines.find((line) => line.startsWith('code '))?.slice('code '.length);
  const message = lines
    .filter((line) => line !== '' && !/^(code|syscall|path|errno|signal|command|cwd)\b/.test(line))
    .filter((line) => !/^(A complete log|Log files|\S*debug\S*\.log$)/.test(line))
    .map((line) => line.replace(/^(e[a-z0-9]+|[0-9]{3})\s+(?=\S)/, ''))[0];
  if (message) return code && !message.includes(code) ? `${message} (${code})` : message;
  return code ?? 'npm failed without a message';
}

/**
 * Runs `npm <args>` in `cwd` and resolves with its output; a non-zero exit is a
 * {@link PluginError} saying `what` failed and npm's first error line.
 */
export function runNpm(args: string[], options: { cwd: string; what: string; env?: NodeJS.ProcessEnv }): Promise<NpmResult> {
  const command = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, ...NPM_QUIET_FLAGS], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      reject(new PluginError(`${options.what} failed: npm could not be started (${error.message}).`, {
        hint: 'Install Node.js with npm, or put npm on PATH.',
      }));
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new PluginError(`${options.what} failed: ${summarizeNpmFailure(stderr)}`));
    });
  });
}
