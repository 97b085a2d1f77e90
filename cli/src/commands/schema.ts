import * as Flags from '@oclif/core/flags';
import {
  buildConnectorSchema,
  LOCAL_CONNECTOR_SCHEMA_FILE,
  writeConnectorSchema,
} from '@connectors/core/internal/schema/connector-schema.js';
import { checkPathValues } from '../flag-values.js';
import { ProjectCommand } from '../project-command.js';

export default class Schema extends ProjectCommand {
  static override summary = "Write the connector manifest schema for this project's editor: the built-in auth schemes and those of its plugins.";
  static override description = `Point the editor at the file with the first line of a manifest:
  # yaml-language-server: $schema=./connector.schema.json
Run it again after installing or removing a plugin.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --out connectors/connector.schema.json',
    '<%= config.bin %> <%= command.id %> --out -',
  ];
  static override flags = {
    out: Flags.string({ description: `The file to write, or - for stdout. Default: ./${LOCAL_CONNECTOR_SCHEMA_FILE}.` }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Schema);
    checkPathValues({ '--out': flags.out });
    const project = await this.resolveProject(flags);
    if (flags.out === '-') {
      this.outJson(buildConnectorSchema(project.registry));
      return;
    }
    const file = flags.out ?? LOCAL_CONNECTOR_SCHEMA_FILE;
    await writeConnectorSchema(project.registry, file);
    process.stderr.write(`Wrote ${file}.\n`);
  }
}
