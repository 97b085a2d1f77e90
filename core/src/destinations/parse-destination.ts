import { UsageError } from '../errors.js';
import { describePgUrl } from '../secrets/postgres/describe-pg-error.js';
import { splitCommandLine } from './split-command-line.js';

/** The PostgreSQL schema the `postgres` destination writes its tables to unless told otherwise. */
export const DEFAULT_DESTINATION_SCHEMA = 'connectors_data';

/** The destination forms, as `--destination` spells them (for messages). */
export const DESTINATION_FORMS = ['postgres', 'postgres:<url>', 'dir:<path>', 'command:<program and args>'] as const;

/**
 * A parsed `--destination` (DESIGN.md section 11 "Destinations"), not yet opened:
 * - `dir`: `path` as given (relative paths start at the run's working directory when opened);
 * - `postgres`: `url` absent means the store's database; `schema` of the tables;
 * - `command`: the program and its arguments, split as a shell would split them.
 */
export type DestinationSpec =
  | { type: 'dir'; path: string }
  | { type: 'postgres'; url?: string; schema: string }
  | { type: 'command'; argv: string[] };

/**
 * Parses a destination: `postgres`, `postgres:<url>` (a `postgres://` URL; `postgres://...` alone
 * is taken as the same), `dir:<path>` or `command:<program and args>`. A `schema` query
 * parameter (`postgres?schema=raw`, `postgres:postgres://host/db?schema=raw`) picks the tables'
 * schema (default {@link DEFAULT_DESTINATION_SCHEMA}); it is not sent to the server.
 * @throws UsageError (exit 2) for an unknown scheme (listing the known ones) or a malformed value;
 * the message never repeats a URL, which may hold a password.
 */
export function parseDestination(text: string): DestinationSpec {
  const spec = text.trim();
  if (spec === '') throw new UsageError(`The destination is empty; it must be one of ${formsSentence()}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(spec)) throw new UsageError('The destination must not hold control characters.');
  if (/^postgres(ql)?:\/\//i.test(spec)) return parsePostgres(spec);
  const match = /^([A-Za-z][A-Za-z0-9+.-]*)(?:(:)([\s\S]*)|(\?[\s\S]*))?$/.exec(spec);
  const scheme = match?.[1]?.toLowerCase();
  if (match === null || scheme === undefined) {
    throw new UsageError(`The destination does not start with a known scheme; it must be one of ${formsSentence()}.`);
  }
  const rest = match[3] ?? '';
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      if (match[4] !== undefined) return { type: 'postgres', schema: schemaOf(new URLSearchParams(match[4].slice(1)).get('schema')) };
      if (match[2] === undefined) return { type: 'postgres', schema: DEFAULT_DESTINATION_SCHEMA };
      return parsePostgres(rest);
    case 'dir':
      if (match[4] !== undefined || rest.trim() === '') throw new UsageError('The destination dir: needs a folder, e.g. dir:./out.');
      return { type: 'dir', path: rest };
    case 'command':
      if (match[4] !== undefined) throw new UsageError('The destination command: needs a program, e.g. command:"target-jsonl --config target.json".');
      return { type: 'command', argv: splitCommandLine(rest, 'The destination command:') };
    default:
      throw new UsageError(`Unknown destination "${scheme}"; the known destinations are ${formsSentence()}.`);
  }
}

/** The destination for messages: the URL without its password or query, the folder, the program. */
export function describeDestination(spec: DestinationSpec): string {
  switch (spec.type) {
    case 'dir':
      return `dir:${spec.path}`;
    case 'command':
      return `command:${spec.argv[0]}`;
    case 'postgres': {
      if (spec.url === undefined) return `postgres (the store's database, schema ${spec.schema})`;
      const { host, port, database, user } = describePgUrl(spec.url, spec.schema);
      return `postgres://${user}@${host}:${port}/${database} (schema ${spec.schema})`;
    }
  }
}

function parsePostgres(url: string): DestinationSpec {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('The destination postgres: needs a URL postgres://USER:PASSWORD@HOST:PORT/DATABASE after the colon.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError(`The destination postgres: needs a postgres:// URL after the colon, not a ${parsed.protocol.replace(/[^A-Za-z0-9+.-]/g, '') || 'plain'} one.`);
  }
  const schema = schemaOf(parsed.searchParams.get('schema'));
  parsed.searchParams.delete('schema');
  return { type: 'postgres', url: parsed.toString(), schema };
}

function schemaOf(value: string | null): string {
  if (value === null) return DEFAULT_DESTINATION_SCHEMA;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) {
    throw new UsageError('The destination schema must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters.');
  }
  return value;
}

function formsSentence(): string {
  return `${DESTINATION_FORMS.slice(0, -1).join(', ')} and ${DESTINATION_FORMS.at(-1)}`;
}
