import * as Flags from '@oclif/core/flags';
import { listCatalog } from '@connectors/core/internal/manifest/catalog.js';
import { ProjectCommand } from '../project-command.js';
import { formatTable } from '../table.js';
import { terminalWidth } from '../terminal-width.js';

export default class List extends ProjectCommand {
  static override summary = 'List the connectors of the catalog: name, scheme and streams.';
  static override description = `The table fits the terminal's width (when stdout is not a terminal: $COLUMNS, else 80 characters): STREAMS and TITLE are cut with an ellipsis (…) where they do not fit. --json prints every field whole.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override flags = {
    json: Flags.boolean({ description: 'Print [{name, title, scheme, streams, path}] on stdout.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(List);
    const project = await this.resolveProject(flags);
    const entries = await listCatalog(project.catalogDir, { registry: project.registry });
    if (flags.json) {
      this.outJson(entries);
      return;
    }
    if (entries.length === 0) {
      process.stderr.write(`No connectors in ${project.catalogDir}.\n`);
      return;
    }
    this.out(formatTable(
      ['NAME', 'SCHEME', 'STREAMS', 'TITLE'],
      entries.map((entry) => [entry.name, entry.scheme, entry.streams.join(', '), entry.title ?? '']),
      // STREAMS and TITLE are cut with an ellipsis to fit the terminal; `--json` has them whole.
      { maxWidth: terminalWidth(), truncatable: [2, 3] },
    ));
  }
}
