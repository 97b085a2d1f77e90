/**
 * Issue 9, editor: what the manifest schema gives an editor, measured with the real
 * yaml-language-server (the server behind VS Code's YAML extension and Neovim) over stdio. Every
 * broken manifest of the table, each rejected by `connectors validate`, is flagged on its line;
 * every catalog manifest gets no diagnostic; inside `auth:` completion offers the scheme's options
 * and hover shows their descriptions. The published schema is open to plugin schemes, so an unknown
 * scheme is flagged only by the project schema that `connectors schema` writes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogDir, makeHome, repoRoot, runCli } from './helpers/cli.js';
// @ts-expect-error plain ESM helpers without declarations
import { brokenManifests, lineOf, withSchemaModeline } from './helpers/editor-manifests.mjs';
// @ts-expect-error
import { LanguageServer } from './helpers/language-server.mjs';

interface BrokenManifest {
  name: string;
  text: string;
  at: string | null;
  plugins?: boolean;
}
interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}
interface Server {
  open(uri: string, text: string): Promise<Diagnostic[]>;
  close(uri: string): void;
  completion(uri: string, position: { line: number; character: number }): Promise<{ items: Array<{ label: string }> } | Array<{ label: string }>>;
  hover(uri: string, position: { line: number; character: number }): Promise<{ contents: { value: string } } | null>;
  stop(): Promise<void>;
}

const PUBLISHED = join(repoRoot, 'schemas', 'connector.schema.json');
const OAUTH2_OPTIONS = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'auth', 'oauth2.json'), 'utf8')) as {
  properties: Record<string, { description: string }>;
};
const cases = brokenManifests as BrokenManifest[];

let server: Server;
let work: string;
let projectSchema: string;
let documents = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'connectors-editor-'));
  projectSchema = join(work, 'connector.schema.json');
  const { home, cleanup } = makeHome();
  try {
    const written = await runCli(['schema', '--out', projectSchema], { cwd: work, env: { CONNECTORS_HOME: home } });
    expect(written.code, written.stderr).toBe(0);
  } finally {
    cleanup();
  }
  // The server starts in well under a second when idle; allow for a loaded machine.
  server = (await LanguageServer.start({ rootUri: pathToFileURL(repoRoot).href, timeoutMs: 45_000 })) as Server;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Opens `text` as a new document (a fresh URI each time), returns its diagnostics and closes it. */
async function diagnose(text: string): Promise<Diagnostic[]> {
  const uri = pathToFileURL(join(work, `document-${++documents}.yaml`)).href;
  try {
    return await server.open(uri, text);
  } finally {
    server.close(uri);
  }
}

/** Line and message of each diagnostic, for failure messages. */
const show = (diagnostics: Diagnostic[]) => JSON.stringify(diagnostics.map((d) => [d.range.start.line, d.message]));

/** Asserts the editor flags `broken` against `schema`: on its line where the case names one. */
async function expectFlagged(broken: BrokenManifest, schema: string): Promise<void> {
  const text = withSchemaModeline(broken.text, schema) as string;
  const diagnostics = await diagnose(text);
  expect(diagnostics.length, 'no diagnostic').toBeGreaterThan(0);
  if (broken.at !== null) {
    expect(diagnostics.map((d) => d.range.start.line), show(diagnostics)).toContain(lineOf(text, broken.at));
  }
}

describe('the table of broken manifests', () => {
  it('has at least 21 entries, the 8 auth mistakes of issue 9 among them, and `connectors validate` rejects each', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(21);
    expect(cases.filter((broken) => broken.name.startsWith('auth: ')).length).toBeGreaterThanOrEqual(8);
    const files = cases.map((broken, index) => {
      const file = join(work, `validate-${index}.yaml`);
      writeFileSync(file, broken.text);
      return file;
    });
    const { home, cleanup } = makeHome();
    try {
      const result = await runCli(['validate', '--json', ...files], { cwd: work, env: { CONNECTORS_HOME: home } });
      expect(result.code, result.stderr).toBe(1);
      const problems = (JSON.parse(result.stdout) as { problems: Array<{ file: string }> }).problems;
      const accepted = cases.filter((_, index) => !problems.some((problem) => problem.file === files[index]));
      expect(accepted.map((broken) => broken.name)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe.concurrent('the published schema (schemas/connector.schema.json) in the editor', () => {
  it.for(cases.filter((broken) => !broken.plugins).map((broken) => [broken.name, broken] as const))('flags %s', async ([, broken]) => {
    await expectFlagged(broken, PUBLISHED);
  });

  it.for(cases.filter((broken) => broken.plugins).map((broken) => [broken.name, broken] as const))(
    'leaves %s to `connectors validate`: a plugin may define it',
    async ([, broken]) => {
      expect(show(await diagnose(withSchemaModeline(broken.text, PUBLISHED) as string))).toBe('[]');
    },
  );

  it.for(readdirSync(catalogDir).sort())('gives the catalog manifest %s no diagnostic, through its own modeline', async (name) => {
    const file = join(catalogDir, name, 'connector.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/schemas\/connector\.schema\.json\n/);
    const uri = pathToFileURL(file).href;
    try {
      expect(show(await server.open(uri, text))).toBe('[]');
    } finally {
      server.close(uri);
    }
  });

  it('gives the valid fixture no diagnostic', async () => {
    const valid = readFileSync(join(repoRoot, 'test', 'fixtures', 'validate', 'valid.yaml'), 'utf8');
    expect(show(await diagnose(withSchemaModeline(valid, PUBLISHED) as string))).toBe('[]');
  });

  const oauth2 = (authLines: string[]) =>
    withSchemaModeline(
      ['apiVersion: connectors/v1', 'name: acme', 'auth:', '  scheme: oauth2', ...authLines, 'streams:', '  - {name: a, path: /a}', ''].join('\n'),
      PUBLISHED,
    ) as string;

  it("completion inside an oauth2 auth block offers oauth2's options, not another scheme's", async () => {
    const text = oauth2(['  ']);
    const uri = pathToFileURL(join(work, 'completion.yaml')).href;
    await server.open(uri, text); // validated: the schema is loaded
    try {
      const completion = await server.completion(uri, { line: text.split('\n').indexOf('  '), character: 2 });
      const labels = (Array.isArray(completion) ? completion : completion.items).map((item) => item.label);
      expect(labels).toEqual(expect.arrayContaining(['token_url', 'grant_type', 'scopes', 'authorize_url', 'client_auth', 'refresh_before', 'apply']));
      expect(labels).not.toContain('login_url');
      expect(labels).not.toContain('prefix');
    } finally {
      server.close(uri);
    }
  });

  it('hover on an oauth2 option shows its description from schemas/auth/oauth2.json', async () => {
    const text = oauth2(['  token_url: https://x.example/t', '  grant_type: client_credentials']);
    const uri = pathToFileURL(join(work, 'hover.yaml')).href;
    expect(show(await server.open(uri, text))).toBe('[]');
    try {
      for (const option of ['token_url', 'grant_type']) {
        const hover = await server.hover(uri, { line: lineOf(text, `  ${option}:`), character: 4 });
        // The hover is Markdown: the language server escapes underscores.
        expect(hover?.contents.value.replaceAll('\\_', '_')).toContain(OAUTH2_OPTIONS.properties[option]!.description);
      }
    } finally {
      server.close(uri);
    }
  });
});

describe.concurrent('the project schema (`connectors schema`, no plugins) in the editor', () => {
  it.for(cases.map((broken) => [broken.name, broken] as const))('flags %s', async ([, broken]) => {
    await expectFlagged(broken, projectSchema);
  });

  it.for(readdirSync(catalogDir).sort())('gives the catalog manifest %s no diagnostic', async (name) => {
    const text = readFileSync(join(catalogDir, name, 'connector.yaml'), 'utf8');
    expect(show(await diagnose(withSchemaModeline(text, projectSchema) as string))).toBe('[]');
  });
});
