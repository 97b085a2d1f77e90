// Parent and child streams end to end: the built CLI against a local API with /projects and
// /projects/:id/tasks. Exact records per parent, `include` adding project_id, `output: false`
// hiding the parents, `--stream tasks` alone, and bad manifests refused at file:line:col.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLines, runCli } from './helpers/cli.js';
import { freshHome, hasStack } from './helpers/run-fixtures.js';

const PROJECTS = [{ id: 1, name: 'alpha' }, { id: 2, name: 'beta' }, { id: 3, name: 'gamma' }];
const TASKS: Record<string, Array<{ id: string; title: string }>> = {
  '1': [{ id: '1-a', title: 'one' }, { id: '1-b', title: 'two' }, { id: '1-c', title: 'three' }],
  '2': [],
  '3': [{ id: '3-a', title: 'four' }],
};

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

async function startApi(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/projects') return send(200, { items: PROJECTS });
    const match = /^\/projects\/(\d+)\/tasks$/.exec(url.pathname);
    if (match === null || TASKS[match[1]!] === undefined) return send(404, { message: 'not found' });
    if (req.headers['x-project'] !== match[1]) return send(400, { message: 'X-Project must match the path' });
    // Two tasks a page, by `page` (1-based).
    const page = Number(url.searchParams.get('page') ?? 1);
    send(200, { items: TASKS[match[1]!]!.slice((page - 1) * 2, page * 2) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function manifest(options: { output?: boolean; include?: boolean; parent?: string; taskPath?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parent-streams-'));
  dirs.push(dir);
  const file = join(dir, 'connector.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: connectors/v1',
      'name: parents',
      'config:',
      '  type: object',
      '  properties:',
      '    base_url: {type: string, default: "http://127.0.0.1:9"}',
      'auth:',
      '  scheme: none',
      'base_url: "{{ config.base_url }}"',
      'retry: {limit: 0}',
      'streams:',
      '  - name: projects',
      '    path: /projects',
      '    records: items',
      ...(options.output === false ? ['    output: false'] : []),
      '  - name: tasks',
      `    path: "${options.taskPath ?? '/projects/{{ parent.project_id }}/tasks'}"`,
      '    headers: {X-Project: "{{ parent.project_id }}"}',
      '    records: items',
      '    pagination: {type: page, page_param: page, page_size: 2}',
      '    parent:',
      `      stream: ${options.parent ?? 'projects'}`,
      '      fields: {project_id: id}',
      ...(options.include ? ['      include: [project_id]'] : []),
      '',
    ].join('\n'),
  );
  return file;
}

const run = (file: string, api: { url: string }, args: string[] = []) =>
  runCli(['run', file, '--config', `base_url=${api.url}`, ...args], { env: { CONNECTORS_HOME: freshHome() } });

const recordsOf = (stdout: string, stream: string): unknown[] =>
  parseLines(stdout)
    .filter((line) => line.type === 'RECORD' && line.stream === stream)
    .map((line) => line.record);

describe('connectors run: parent and child streams', () => {
  it('reads the tasks of every project, page by page, and outputs the projects too', async () => {
    const api = await startApi();
    const result = await run(manifest(), api);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(recordsOf(result.stdout, 'projects')).toEqual(PROJECTS);
    expect(recordsOf(result.stdout, 'tasks')).toEqual([...TASKS['1']!, ...TASKS['3']!]);
    expect(api.requests.filter((r) => r.startsWith('/projects/1/'))).toEqual(['/projects/1/tasks?page=1&per_page=2', '/projects/1/tasks?page=2&per_page=2']);
  });

  it('adds project_id with include, and hides the projects with output: false', async () => {
    const api = await startApi();
    const result = await run(manifest({ output: false, include: true }), api);
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).filter((line) => line.stream === 'projects')).toEqual([]);
    expect(recordsOf(result.stdout, 'tasks')).toEqual([
      ...TASKS['1']!.map((t) => ({ ...t, project_id: 1 })),
      ...TASKS['3']!.map((t) => ({ ...t, project_id: 3 })),
    ]);
  });

  it('--stream tasks alone reads the projects without outputting them', async () => {
    const api = await startApi();
    const result = await run(manifest(), api, ['--stream', 'tasks']);
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).filter((line) => line.stream === 'projects')).toEqual([]);
    expect(recordsOf(result.stdout, 'tasks')).toHaveLength(4);
    expect(api.requests[0]).toBe('/projects');
  });

  it('refuses bad parents and parent values at file:line:col, before any request', async () => {
    const api = await startApi();
    const cases: Array<[string, RegExp]> = [
      [manifest({ parent: 'projets' }), /connector\.yaml:21:15: .*parent stream "projets" is not a stream of this manifest; did you mean "projects"\?/],
      [manifest({ parent: 'tasks' }), /connector\.yaml:21:15: .*stream "tasks" cannot be its own parent/],
      [manifest({ taskPath: '/projects/{{ parent.projectid }}/tasks' }), /connector\.yaml:16:\d+: .*unknown parent value `projectid` in `parent.projectid`; did you mean `project_id`\?/],
    ];
    for (const [file, message] of cases) {
      const result = await run(file, api);
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.stderr).toMatch(message);
      expect(hasStack(result.stderr)).toBe(false);
      expect(result.stdout).toBe('');
    }
    expect(api.requests).toEqual([]);
  });
});
