import { join } from 'node:path';
import { afterEach } from 'vitest';
import { makeHome, repoRoot, runCli, type CliOptions, type CliResult } from './cli.js';
import { startPagedServer as startPaged } from '../servers/paged-api.js';

/** A manifest of `test/fixtures/run/`. */
export const runFixture = (name: string): string => join(repoRoot, 'test', 'fixtures', 'run', `${name}.yaml`);

export interface PagedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

export interface PagedServer {
  url: string;
  close(): Promise<void>;
  state: {
    total: number;
    loop: boolean;
    failAlways: boolean;
    failNext: number;
    failStatus: number;
    retryAfter: number;
    /** Answer that many list requests, then hold the later ones open without an answer. */
    stallAfter?: number;
    answered: number;
    stalled: number;
    requests: PagedRequest[];
  };
}

/** The paged test API (test/servers/paged-api.js), closed after the test. */
export async function startPagedServer(options: { total?: number } = {}): Promise<PagedServer> {
  const server = (await startPaged(options)) as PagedServer;
  cleanups.push(() => server.close());
  return server;
}

/** A fresh CONNECTORS_HOME, removed after the test. */
export function freshHome(): string {
  const { home, cleanup } = makeHome();
  cleanups.push(async () => cleanup());
  return home;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** `connectors run <fixture> --config base_url=<url> ...args` with its own CONNECTORS_HOME. */
export function runManifest(
  fixture: string,
  server: { url: string },
  args: string[],
  options: CliOptions & { home: string },
): Promise<CliResult> {
  return runCli(['run', runFixture(fixture), '--config', `base_url=${server.url}`, ...args], {
    ...options,
    env: { CONNECTORS_HOME: options.home, ...options.env },
  });
}

/** The requests the server got on one route. */
export const requestsTo = (server: PagedServer, path: string): PagedRequest[] => server.state.requests.filter((r) => r.path === path);

/** True when the text holds a stack trace line. */
export const hasStack = (text: string): boolean => /^\s+at\s/m.test(text);
