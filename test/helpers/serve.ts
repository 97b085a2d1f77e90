/**
 * Runs the built CLI's `connectors serve` as a child process for end-to-end tests: waits for its
 * `listening` line on stderr (port 0, so tests never collide), collects every byte it prints, and
 * stops it with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { cliBin, repoRoot, runCli } from './cli.js';

export interface RunningServe {
  url: string;
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The JSON lines of stderr. */
  lines(): Array<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit code (null when killed). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `connectors serve --port 0 ...args` and resolves once it listens. */
export function startServe(env: Record<string, string>, args: string[] = [], cwd = repoRoot): Promise<RunningServe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, 'serve', '--port', '0', ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined = new Promise((done) => {
      child.on('close', (code, signal) => done({ code, signal }));
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${stderr}`));
    }, 20_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"event":"listening","url":"([^"]+)"/.exec(stderr);
      if (match && timer) {
        clearTimeout(timer);
        resolve(handle(match[1]!));
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      if (!/"event":"listening"/.test(stderr)) reject(new Error(`serve exited ${code}: ${stderr}`));
    });
    const handle = (url: string): RunningServe => ({
      url,
      child,
      output: () => stdout + stderr,
      lines: () =>
        stderr
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      stop(signal = 'SIGTERM') {
        child.kill(signal);
        const result = exited!;
        exited = result;
        return result;
      },
    });
  });
}

/** Adds a caller with `connectors callers add` and returns its key. */
export async function addCaller(env: Record<string, string>, name: string, args: string[]): Promise<string> {
  const result = await runCli(['callers', 'add', name, ...args], { env });
  if (result.code !== 0) throw new Error(`callers add failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Writes `<catalog>/<name>/connector.yaml`: an oauth2 refresh-token connector against `tokenUrl` and `baseUrl`; `authExtra` lines go into its `auth:` block (two-space indented). */
export function writeOAuthConnector(catalog: string, name: string, tokenUrl: string, baseUrl: string, extra = '', authExtra = ''): void {
  mkdirSync(join(catalog, name), { recursive: true });
  writeFileSync(
    join(catalog, name, 'connector.yaml'),
    `apiVersion: connectors/v1
name: ${name}
auth:
  scheme: oauth2
  grant_type: authorization_code
  authorize_url: ${baseUrl}/authorize
  token_url: ${tokenUrl}
${authExtra}base_url: ${baseUrl}
headers:
  x-connector: ${name}
${extra}streams:
  - name: items
    path: /echo/items
`,
  );
}

/** A fetch with a caller token. */
export function callServe(serve: RunningServe, path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${serve.url}${path}`, { ...init, headers, redirect: 'manual' });
}

/** A request sent as written (fetch would normalize `..` and encoded segments away). */
export function rawRequest(serve: RunningServe, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(serve.url);
    const request = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
