import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { parseConfigFlags } from '@connectors/core/internal/config/index.js';
import { runConnector } from '@connectors/core/internal/runtime/run-connector.js';
import { configFlag, connectionFlag } from '../connection-flags.js';
import { checkPathValues } from '../flag-values.js';
import { ProjectCommand } from '../project-command.js';

export default class Run extends ProjectCommand {
  static override summary = "Run a connector's streams and write Singer messages on stdout (or into a destination).";
  static override description = `Writes SCHEMA, RECORD and STATE messages, one JSON object per line, on stdout and nothing else; progress and a summary per stream go to stderr. The state is saved per connection, so the next run continues where this one ended.

With --destination the records go elsewhere and nothing is written to stdout:
  postgres          the store's database: a table <schema>.<connector>__<stream> per stream (schema connectors_data), upserted on (_connection, _pk); the state is committed in the same transaction as the records before it
  postgres:<url>    another PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DATABASE); add ?schema=NAME for another schema
  dir:<path>        <path>/<connector>/<connection>/<stream>.jsonl, appended per run, and state.json beside them
  command:<target>  a Singer target (program and arguments split as a shell would, run without one) reading the Singer lines on its stdin; its exit status decides, its stderr goes to stderr, redacted`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> tripletex',
    '<%= config.bin %> <%= command.id %> tripletex --stream customers --limit 10',
    '<%= config.bin %> <%= command.id %> ./my-connector.yaml --config base_url=http://localhost:8080 --output out/',
    '<%= config.bin %> <%= command.id %> tripletex --destination postgres',
    '<%= config.bin %> <%= command.id %> tripletex --destination dir:./data',
    '<%= config.bin %> <%= command.id %> tripletex --destination "command:target-jsonl --config target.json"',
  ];
  static override args = {
    name: Args.string({ description: 'A catalog name, or a path to a manifest.', required: true }),
  };
  static override flags = {
    stream: Flags.string({ char: 's', description: 'A stream to run (repeatable). Default: every stream.', multiple: true, default: [] }),
    limit: Flags.integer({ description: 'Stop each stream after N records (a sample: the state is not saved).', min: 1 }),
    connection: connectionFlag,
    config: configFlag,
    state: Flags.string({ description: 'Start from this state: a Singer STATE value, a STATE line, or a state.json that --output wrote.' }),
    'full-refresh': Flags.boolean({ description: 'Ignore the saved state and read everything (the new state is still saved).' }),
    output: Flags.string({ char: 'o', description: 'Write DIR/<stream>.jsonl of bare records and DIR/state.json instead of Singer lines on stdout.' }),
    destination: Flags.string({
      char: 'd',
      description: 'Write the records to a destination instead of stdout: postgres, postgres:<url>, dir:<path> or command:<Singer target and args>.',
    }),
    quiet: Flags.boolean({ char: 'q', description: 'No progress and no summary on stderr.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    checkPathValues({ '--output': flags.output, '--state': flags.state });
    const project = await this.openProject(flags);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await runConnector(project, {
      connector: args.name,
      connection: flags.connection,
      config: parseConfigFlags(flags.config),
      streams: flags.stream,
      limit: flags.limit,
      stateFile: flags.state,
      fullRefresh: flags['full-refresh'],
      outputDir: flags.output,
      destination: flags.destination,
      quiet: flags.quiet,
      signal: abort.signal,
    });
  }
}
