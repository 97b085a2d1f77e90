// `connectors run` failure paths: each is one `Error: ...` line on stderr (no stack), the right
// exit code, the stream and a redacted URL where a request failed, and no secret anywhere.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDir, cliBin, findLeaks, parseLines } from './helpers/cli.js';
import { runCli } from './helpers/cli.js';
import { freshHome, hasStack, requestsTo, runFixture, runManifest, startPagedServer } from './helpers/run-fixtures.js';

const key = 'k3y-Vä1ue/+sekrit';
const env = { CONNECTORS_SECRET_FAILING_API_KEY: key };

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('Error: '));
}

function expectOneCleanError(result: { stdout: string; stderr: string }): string {
  const errors = errorLines(result.stderr);
  expect(errors).toHaveLength(1);
  expect(hasStack(result.stderr)).toBe(false);
  expect(findLeaks(result.stdout + result.stderr, [key])).toEqual([]);
  return errors[0]!;
}

describe('connectors run: failures', () => {
  it('a 500 forever retries as the manifest says, then fails naming the stream, the redacted URL and the status', async () => {
    const server = await startPagedServer();
    server.state.failAlways = true;
    const result = await runManifest('failing', server, ['--stream', 'items'], { home: freshHome(), env });
    expect(result.code).toBe(1);
    const error = expectOneCleanError(result);
    expect(error).toContain('Stream "items"');
    expect(error).toMatch(new RegExp(`${server.url.replace(/[.]/g, '\\.')}/offset\\S*`));
    expect(error).toContain('500');
    expect(requestsTo(server, '/offset')).toHaveLength(2); // retry: {limit: 1}
    expect(requestsTo(server, '/offset')[0]!.query.key).toBe(key); // the key really was in the URL
    expect(result.stderr).toMatch(/^items: 0 records, 0 pages .*failed$/m);
  });

  it('a 429 with Retry-After is waited out and the run succeeds', async () => {
    const server = await startPagedServer({ total: 3 });
    Object.assign(server.state, { failNext: 1, failStatus: 429, retryAfter: 1 });
    const result = await runManifest('failing', server, ['--stream', 'throttled'], { home: freshHome(), env });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).filter((l) => l.type === 'RECORD')).toHaveLength(3);
    const [first, second] = requestsTo(server, '/offset');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('a body that is not JSON is exit 1 naming the stream and the redacted URL', async () => {
    const server = await startPagedServer();
    const result = await runManifest('failing', server, ['--stream', 'not_json'], { home: freshHome(), env });
    expect(result.code).toBe(1);
    const error = expectOneCleanError(result);
    expect(error).toContain('Stream "not_json"');
    expect(error).toContain('/not-json');
    expect(error).toMatch(/not JSON/);
    expect(requestsTo(server, '/not-json')).toHaveLength(1); // a 200 that is not JSON is not retried
  });

  it('records that are not an array is exit 1 naming the stream and the path', async () => {
    const server = await startPagedServer();
    const result = await runManifest('failing', server, ['--stream', 'not_array'], { home: freshHome(), env });
    expect(result.code).toBe(1);
    const error = expectOneCleanError(result);
    expect(error).toContain('Stream "not_array"');
    expect(error).toContain('"items"');
    expect(error).toMatch(/not an array/);
  });

  it('a missing secret is exit 1 naming its environment variable, before any request', async () => {
    const server = await startPagedServer();
    const result = await runManifest('failing', server, [], { home: freshHome() });
    expect(result.code).toBe(1);
    const error = expectOneCleanError(result);
    expect(error).toContain('CONNECTORS_SECRET_FAILING_API_KEY');
    expect(error).toContain('api_key');
    expect(result.stdout).toBe('');
    expect(server.state.requests).toHaveLength(0);
  });

  // Issue 9: a NAME that names nothing is failed work, exit 1, listing the known names (DESIGN.md section 8).
  const knownNames = readdirSync(catalogDir).filter((name) => existsSync(join(catalogDir, name, 'connector.yaml'))).sort().join(', ');
  for (const command of [['run'], ['check'], ['secrets', 'list'], ['auth', 'status']]) {
    it(`${command.join(' ')}: an unknown connector is exit 1 listing the known names and the near one`, async () => {
      const result = await runCli([...command, 'tripletx', '--catalog', catalogDir], { env: { CONNECTORS_HOME: freshHome() } });
      expect(result.code).toBe(1);
      const error = expectOneCleanError(result);
      expect(error).toContain('`tripletx`');
      expect(error).toContain(`(known: ${knownNames}; did you mean \`tripletex\`?)`);
      expect(result.stdout).toBe('');
    });
  }

  it('a manifest path that does not exist is exit 1 listing the known names', async () => {
    for (const path of ['./missing/connector.yaml', 'missing.yaml']) {
      const result = await runCli(['run', path, '--catalog', catalogDir], { env: { CONNECTORS_HOME: freshHome() } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Error: No manifest at ${path} (no such file); pass a path to a manifest or a name from the catalog ${catalogDir} (known: ${knownNames}).\n`);
      expect(result.stdout).toBe('');
    }
  });

  it('a manifest that does not validate is exit 1 with file:line:col, said once', async () => {
    const file = runFixture('invalid');
    const result = await runCli(['run', file], { env: { CONNECTORS_HOME: freshHome() } });
    expect(result.code).toBe(1);
    const error = expectOneCleanError(result);
    expect(error).toBe(
      `Error: ${file}:9:24: streams[0].pagination.type: "sideways" is not allowed; expected one of offset, page, cursor, link, next_url, auto`,
    );
  });

  it('stdout closed early (| head -1) ends the run without a stack trace', async () => {
    const server = await startPagedServer({ total: 20_000 });
    const home = freshHome();
    const command = `"${process.execPath}" "${cliBin}" run "${runFixture('paged')}" --config base_url=${server.url} --stream offset_items | head -1`;
    const child = spawn('/bin/sh', ['-c', command], { env: { PATH: process.env.PATH, CONNECTORS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0); // head's status
    expect(parseLines(stdout)).toEqual([expect.objectContaining({ type: 'SCHEMA', stream: 'offset_items' })]);
    expect(hasStack(stderr)).toBe(false);
    expect(stderr).not.toMatch(/EPIPE.*\n.*EPIPE/s);
    expect(errorLines(stderr).length).toBeLessThanOrEqual(1);
    // It stopped early: far fewer requests than the 2,001 a full read takes.
    expect(requestsTo(server, '/offset').length).toBeLessThan(200);
  });
});
