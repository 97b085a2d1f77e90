import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogDir, makeHome, runCli } from './helpers/cli.js';
import { cliEnv, recordsOf, runChecked } from './helpers/scheme-e2e.js';
// @ts-expect-error plain ESM test servers without declarations
import { startDemoServer } from './servers/demo-api.js';
// @ts-expect-error
import { startHubspotServer } from './servers/hubspot.js';
// @ts-expect-error
import { startJiraServer } from './servers/jira.js';
// @ts-expect-error
import { startPokeapiServer } from './servers/pokeapi.js';
// @ts-expect-error
import { startSuperofficeServer } from './servers/superoffice.js';
// @ts-expect-error
import { startTripletexServer } from './servers/tripletex.js';
// @ts-expect-error
import { startWebcrmServer } from './servers/webcrm.js';
// @ts-expect-error
import { startWorkfrontServer } from './servers/workfront.js';

interface Running {
  url: string;
  close(): Promise<void>;
  state: { requests: Array<{ path: string; query: Record<string, string> }> };
  partnerKeys?: { privateKeyPem: string };
}

/**
 * One stream per catalog connector, against its local server, with more records than one page so
 * the paginator must follow to the end: `pages` requests to `path`, `count` records keyed 1..count
 * (or by name for PokeAPI).
 */
interface Case {
  start(): Promise<Running>;
  stream: string;
  config(server: Running): string[];
  secrets(server: Running): Record<string, string>;
  /** The resource path the stream pages through. */
  path: string;
  count: number;
  pages: number;
  key: (record: Record<string, unknown>) => unknown;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const CASES: Record<string, Case> = {
  demo: {
    start: () => startDemoServer({ customers: 60 }),
    stream: 'customers',
    config: (s) => [`base_url=${s.url}`],
    secrets: () => ({ client_id: 'demo', client_secret: 'demo-secret' }),
    path: '/customers',
    count: 60,
    pages: 3,
    key: (r) => r.id,
  },
  hubspot: {
    start: () => startHubspotServer({ counts: { contacts: 150 } }),
    stream: 'contacts',
    config: (s) => [`base_url=${s.url}`, `app_url=${s.url}`],
    secrets: () => ({ client_id: 'test-hubspot-client', client_secret: 'test-hubspot-secret', oauth_refresh_token: 'test-hubspot-refresh-token' }),
    path: '/crm/v3/objects/contacts',
    count: 150,
    pages: 2,
    key: (r) => Number(r.id),
  },
  jira: {
    start: () => startJiraServer({ counts: { issues: 150 } }),
    stream: 'issues',
    config: (s) => [`base_url=${s.url}`],
    secrets: () => ({ username: 'bot@example.com', password: 'test-jira-api-token' }),
    path: '/rest/api/3/search/jql',
    count: 150,
    pages: 2,
    // Jira issue ids here run from 10001.
    key: (r) => Number(r.id) - 10_000,
  },
  pokeapi: {
    start: () => startPokeapiServer({ counts: { pokemon: 151 } }),
    stream: 'pokemon',
    config: (s) => [`base_url=${s.url}/api/v2`],
    secrets: () => ({}),
    path: '/api/v2/pokemon/',
    count: 151,
    pages: 2,
    key: (r) => r.name,
  },
  superoffice: {
    start: () => startSuperofficeServer({ counts: { Contact: 201 } }),
    stream: 'contacts',
    config: (s) => [`login_url=${s.url}`],
    secrets: (s) => ({
      client_id: 'test-so-client',
      client_secret: 'test-so-app-token',
      rsa_private_key: s.partnerKeys!.privateKeyPem,
      oauth_refresh_token: 'test-so-refresh-token',
    }),
    path: '/Cust12345/api/v1/Contact',
    count: 201,
    pages: 2,
    key: (r) => r.PrimaryKey,
  },
  tripletex: {
    start: () => startTripletexServer({ counts: { product: 1001 } }),
    stream: 'products',
    config: (s) => [`base_url=${s.url}/v2`],
    secrets: () => ({ consumer_key: 'test-consumer-token', employee_token: 'test-employee-token' }),
    path: '/v2/product',
    count: 1001,
    pages: 2,
    key: (r) => r.id,
  },
  webcrm: {
    start: () => startWebcrmServer({ counts: { Organisations: 1001 } }),
    stream: 'organisations',
    config: (s) => [`base_url=${s.url}`],
    secrets: () => ({ api_key: 'test-webcrm-auth-code' }),
    path: '/Organisations',
    count: 1001,
    pages: 2,
    key: (r) => r.OrganisationId,
  },
  workfront: {
    start: () => startWorkfrontServer({ counts: { USER: 2001 } }),
    stream: 'users',
    config: (s) => [`base_url=${s.url}/attask/api/v22.0`],
    secrets: () => ({ api_key: 'test-workfront-api-key' }),
    path: '/attask/api/v22.0/USER/search',
    count: 2001,
    pages: 2,
    key: (r) => r.ID,
  },
};

const folders = readdirSync(catalogDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let home: string;
let cleanup: () => void;
beforeAll(() => {
  ({ home, cleanup } = makeHome());
});
afterAll(() => cleanup());

describe('the catalog', () => {
  it('validates as a whole', async () => {
    const result = await runCli(['validate', catalogDir, '--json'], { env: { CONNECTORS_HOME: home } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { valid: boolean; manifests: number; problems: unknown[] };
    expect(report).toEqual({ valid: true, manifests: folders.length, problems: [] });
    const plain = await runCli(['validate'], { env: { CONNECTORS_HOME: home }, cwd: home });
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('lists every connector, and each has an end-to-end case here', async () => {
    const result = await runCli(['list', '--json', '--catalog', catalogDir], { env: { CONNECTORS_HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    const names = (JSON.parse(result.stdout) as Array<{ name: string }>).map((entry) => entry.name).sort();
    expect(names).toEqual(folders);
    expect(Object.keys(CASES).sort()).toEqual(names);
  });

  describe.concurrent('every connector runs a stream to its last page against its server', () => {
    for (const [name, c] of Object.entries(CASES)) {
      it(name, async () => {
        const server = await c.start();
        const { home: connHome, cleanup: done } = makeHome();
        try {
          const secrets = c.secrets(server);
          const args = ['run', name, '--catalog', catalogDir, '--stream', c.stream, ...c.config(server).flatMap((kv) => ['--config', kv])];
          const result = await runChecked(args, { env: cliEnv(connHome, name, secrets) }, Object.values(secrets));
          expect(result.code, result.stderr).toBe(0);
          const records = recordsOf(result.stdout, c.stream);
          expect(records).toHaveLength(c.count);
          const keys = records.map(c.key);
          expect(new Set(keys).size).toBe(c.count);
          if (typeof keys[0] === 'number') expect([...keys].sort((a, b) => Number(a) - Number(b))).toEqual(range(c.count));
          const pages = server.state.requests.filter((r) => r.path === c.path);
          expect(pages, JSON.stringify(pages.map((p) => p.query))).toHaveLength(c.pages);
        } finally {
          await server.close();
          done();
        }
      });
    }
  });

  describe('each README lists the secrets to set and the config values as the manifest has them', () => {
    // What `secrets list` names for a fresh connection: the secrets its auth options and `secrets:` need.
    const needed = new Map<string, string[]>();
    beforeAll(async () => {
      for (const name of folders) {
        const result = await runCli(['secrets', 'list', name, '--json'], { env: { CONNECTORS_HOME: home } });
        needed.set(name, (JSON.parse(result.stdout) as Array<{ name: string }>).map((s) => s.name));
      }
    });
    for (const name of folders) {
      it(name, () => {
        const manifest = yaml.load(readFileSync(join(catalogDir, name, 'connector.yaml'), 'utf8')) as {
          auth: { scheme: string };
          secrets?: Array<{ name: string }>;
          config?: { properties?: Record<string, { default?: unknown }> };
          streams: Array<{ name: string }>;
        };
        const readme = readFileSync(join(catalogDir, name, 'README.md'), 'utf8');
        const required = needed.get(name) ?? [];
        const secretRows = tableRows(section(readme, 'Secrets'));
        const listed = secretRows.map((row) => firstCode(row[0]));
        for (const secret of required) expect(listed, `${name} README secrets`).toContain(secret);
        // Anything else listed must be a seed the scheme accepts (an oauth_refresh_token).
        for (const extra of listed.filter((s) => !required.includes(s))) expect(extra).toBe('oauth_refresh_token');
        for (const row of secretRows) {
          const env = `CONNECTORS_SECRET_${name}_${firstCode(row[0])}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
          expect(firstCode(row[1]), `${name} README env var of ${row[0]}`).toBe(env);
        }
        if (required.length === 0) expect(section(readme, 'Secrets')).toMatch(/no secrets|nothing to set|none/i);

        const properties = manifest.config?.properties ?? {};
        const configRows = tableRows(section(readme, 'Config'));
        expect(configRows.map((row) => firstCode(row[0])).sort(), `${name} README config keys`).toEqual(Object.keys(properties).sort());
        for (const row of configRows) {
          const key = firstCode(row[0]);
          const fallback = properties[key]?.default;
          expect(firstCode(row[1]), `${name} README default of ${key}`).toBe(fallback === undefined ? '' : String(fallback));
        }
        for (const stream of manifest.streams) expect(readme, `${name} README streams`).toContain(`\`${stream.name}\``);
      });
    }
  });
});

/** The text under `## <title>` up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.search(new RegExp(`^## ${title}\\b`, 'm'));
  if (start < 0) return '';
  const rest = markdown.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The body rows of the first Markdown table in `text`, as cells. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n').filter((line) => line.startsWith('|'));
  return lines.slice(2).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

/** The first `code` span of a cell, or '' when there is none. */
function firstCode(cell: string | undefined): string {
  return /`([^`]*)`/.exec(cell ?? '')?.[1] ?? '';
}
