/**
 * Reading a YAML file with source positions. Every problem (syntax, tabs, duplicate keys, an
 * empty or non-mapping document, a file too big) comes back as a {@link Problem} at file:line:col;
 * {@link YamlFile.locate} maps a path in the parsed value back to its node.
 *
 * Two parsers, for speed: js-yaml (YAML 1.2 core schema, about 5x faster) reads the data; the
 * `yaml` package, which keeps node ranges, parses the text again only when positions are needed
 * (a syntax error, or a problem to report) or when the text uses anchors (its alias limit guards
 * against alias bombs). Valid manifests, the common case, are parsed once.
 */
import { open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CORE_SCHEMA, load as loadFast } from 'js-yaml';
import type * as YamlModule from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { PathSegment } from '../schema/json-path.js';
import { createProblem, type Problem } from './problem.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof YamlModule | undefined;

/** The `yaml` package, loaded on first need: a valid manifest never needs positions, and loading it costs every command start-up time. */
function yaml(): typeof YamlModule {
  return (yamlModule ??= require('yaml') as typeof YamlModule);
}

/** Manifests and config files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A parsed YAML file. */
export interface YamlFile {
  /** The file as the caller named it (used in problems). */
  file: string;
  text: string;
  /** The document as plain data (a mapping). */
  value: Record<string, unknown>;
  /** The positioned document (parsed on first use). */
  readonly document: Document;
  /** Line and column (from 1) of the node at `segments`: its key with `target: 'key'`, else its value. */
  locate(segments: readonly PathSegment[], target?: 'key' | 'value'): { line: number; col: number };
  /** The YAML node at `segments`, if there is one (aliases resolved). */
  nodeAt(segments: readonly PathSegment[]): Node | undefined;
}

/** The outcome of {@link loadYamlFile}: a file, or the problems that stopped it. */
export type LoadResult = { ok: true; yaml: YamlFile } | { ok: false; problems: Problem[] };

const YAML_MESSAGES: Record<string, string> = {
  TAB_AS_INDENT: 'a tab is used for indentation; indent with spaces',
  DUPLICATE_KEY: 'duplicate key',
  MULTIPLE_DOCS: 'the file holds more than one YAML document (`---`); a manifest is one document',
  MISSING_CHAR: 'YAML syntax error',
};

function describeYamlError(code: string, message: string, key?: string): string {
  if (/maximum call stack size exceeded/i.test(message)) return 'the YAML is nested too deeply to read; a manifest needs a few dozen levels at most';
  if (code === 'DUPLICATE_KEY') return `duplicate key${key ? ` \`${key}\`` : ''}; each key may appear once in a mapping`;
  const known = YAML_MESSAGES[code];
  const detail = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/;\s*please use .*$/, '');
  if (code === 'TAB_AS_INDENT' || code === 'MULTIPLE_DOCS') return known!;
  return `YAML syntax error: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}

/** The key written at `offset` (`name: x` -> `name`), for duplicate-key messages. */
function readKeyAt(text: string, offset: number): string | undefined {
  const match = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:#\n,{}[\]]+?)\s*:/.exec(text.slice(offset, offset + 1000));
  if (!match) return undefined;
  const raw = match[1]!;
  return raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw;
}

/** Reads and parses one YAML file whose document must be a mapping. */
export async function loadYamlFile(file: string, what = 'manifest'): Promise<LoadResult> {
  const fail = (message: string, line = 0, col = 0): LoadResult => ({ ok: false, problems: [createProblem(file, line, col, [], message)] });
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return fail('is a folder, not a file');
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
  }
  const tooBig = (bytes: string) => fail(`the file is ${bytes}; a ${what} may be at most 1 MiB`);
  if (size > MAX_FILE_BYTES) return tooBig(`${(size / MAX_FILE_BYTES).toFixed(1)} MiB`);
  // The size from stat is not the whole truth: /dev/zero, a FIFO or /proc files report 0 and
  // never end. Read at most one byte past the cap.
  const bytes = await readAtMost(file, MAX_FILE_BYTES + 1);
  if (bytes.length > MAX_FILE_BYTES) return tooBig('over 1 MiB');
  return parseYamlText(file, bytes.toString('utf8'), what);
}

/** The first `limit` bytes of a file (fewer when it is shorter). */
async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, limit - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Parses YAML text already read; see {@link loadYamlFile}. */
export function parseYamlText(file: string, text: string, what = 'manifest'): LoadResult {
  if (text.trim() === '') {
    return { ok: false, problems: [createProblem(file, 1, 1, [], `the file is empty; a ${what} is a YAML mapping`)] };
  }
  if (!/(^|[\s[{,])&[^\s]/.test(text)) {
    let value: unknown;
    try {
      value = loadFast(text, { schema: CORE_SCHEMA, filename: file });
    } catch {
      value = undefined;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      let parsed: ReturnType<typeof parsePositioned> | undefined;
      const positioned = () => (parsed ??= parsePositioned(file, text, what));
      return {
        ok: true,
        yaml: {
          file,
          text,
          value: value as Record<string, unknown>,
          get document() {
            return positioned().document;
          },
          nodeAt: (segments) => positioned().nodeAt(segments),
          locate: (segments, target) => positioned().locate(segments, target),
        },
      };
    }
  }
  const result = parsePositioned(file, text, what);
  if ('problems' in result) return { ok: false, problems: result.problems };
  return { ok: true, yaml: { file, text, value: result.value, document: result.document, nodeAt: result.nodeAt, locate: result.locate } };
}

/** The path of the mapping key that starts at `offset` (for a duplicate key), if there is one. */
function findKeyPath(node: unknown, offset: number, segments: PathSegment[] = []): PathSegment[] | undefined {
  if (yaml().isMap(node)) {
    for (const item of node.items) {
      if (!yaml().isPair(item)) continue;
      const key = item.key as Node | null;
      const name = yaml().isScalar(key) ? String(key.value) : String(key);
      if (key?.range?.[0] === offset) return [...segments, name];
      const found = findKeyPath(item.value, offset, [...segments, name]);
      if (found) return found;
    }
  } else if (yaml().isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const found = findKeyPath(item, offset, [...segments, index]);
      if (found) return found;
    }
  }
  return undefined;
}

interface Positioned {
  value: Record<string, unknown>;
  document: Document;
  nodeAt: YamlFile['nodeAt'];
  locate: YamlFile['locate'];
}

/** Parses with the `yaml` package, keeping node ranges. */
function parsePositioned(file: string, text: string, what: string): Positioned | { problems: Problem[]; document: Document; nodeAt: YamlFile['nodeAt']; locate: YamlFile['locate'] } {
  const lineCounter = new (yaml().LineCounter)();
  const document = yaml().parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const nowhere = { document, nodeAt: () => undefined, locate: () => ({ line: 1, col: 1 }) };
  const fail = (problems: Problem[]) => ({ problems, ...nowhere });
  if (document.errors.length > 0) {
    const duplicates = document.errors.filter((e) => e.code === 'DUPLICATE_KEY');
    const chosen = duplicates.length > 0 ? duplicates : [document.errors[0]!];
    return fail(
      chosen.map((error) => {
        const { line, col } = position(error.pos[0]);
        const key = error.code === 'DUPLICATE_KEY' ? readKeyAt(text, error.pos[0]) : undefined;
        const segments = error.code === 'DUPLICATE_KEY' ? (findKeyPath(document.contents, error.pos[0]) ?? []) : [];
        return createProblem(file, line, col, segments, describeYamlError(error.code, error.message, key));
      }),
    );
  }
  const root = document.contents;
  if (root === null || (yaml().isScalar(root) && (root.value === null || root.value === undefined))) {
    return fail([createProblem(file, 1, 1, [], `the file holds no data; a ${what} is a YAML mapping`)]);
  }
  if (!yaml().isMap(root)) {
    const { line, col } = position(root.range?.[0] ?? 0);
    const kind = yaml().isSeq(root) ? 'a list' : 'a single value';
    return fail([createProblem(file, line, col, [], `the document is ${kind}; a ${what} must be a mapping (key: value)`)]);
  }
  let value: Record<string, unknown>;
  try {
    value = document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    return fail([createProblem(file, 1, 1, [], error instanceof RangeError ? describeYamlError('', message) : `YAML error: ${message}`)]);
  }

  const resolve = (node: unknown): unknown => (yaml().isAlias(node) ? node.resolve(document) : node);
  const walk = (segments: readonly PathSegment[]): { node: Node | undefined; pair?: Pair; depth: number } => {
    let node: unknown = root;
    let pair: Pair | undefined;
    let depth = 0;
    for (const segment of segments) {
      node = resolve(node);
      let next: unknown;
      let nextPair: Pair | undefined;
      if (yaml().isMap(node)) {
        nextPair = node.items.find((item) => yaml().isPair(item) && (yaml().isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment)) as Pair | undefined;
        next = nextPair?.value ?? undefined;
        if (nextPair && next === undefined) next = nextPair.key;
      } else if (yaml().isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined || next === null) break;
      node = next;
      pair = nextPair;
      depth++;
    }
    return { node: resolve(node) as Node | undefined, pair, depth };
  };

  return {
    value,
    document,
    nodeAt: (segments) => {
      const found = walk(segments);
      return found.depth === segments.length ? found.node : undefined;
    },
    locate: (segments, target = 'value') => {
      const found = walk(segments);
      const complete = found.depth === segments.length;
      const keyNode = complete && target === 'key' && found.pair && (found.pair.key as Node | null);
      const node = keyNode || found.node;
      return position(node?.range?.[0] ?? 0);
    },
  };
}
