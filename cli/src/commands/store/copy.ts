import * as Flags from '@oclif/core/flags';
import { copyStore, describeCopy } from '@connectors/core/internal/runtime/copy-store.js';
import { ProjectCommand } from '../../project-command.js';

export default class StoreCopy extends ProjectCommand {
  static override summary = "Copy every secret, session, state and serve caller of the project's store into another store.";
  static override description = `The source is the store secret_store: in connectors.config.yaml opens. --to is a postgres:// URL (key from CONNECTORS_SECRET_KEY, schema from --schema) or a folder (a file store there). A file store made with its key file opens with that key given as CONNECTORS_SECRET_KEY_PREVIOUS (or as CONNECTORS_SECRET_KEY). Idempotent: a value already identical at the destination is not rewritten ("already there"); a different one is overwritten (the source wins); what only the destination holds is left alone. Prints counts, never a value or the database password.`;
  static override examples = [
    'CONNECTORS_SECRET_KEY=$(openssl rand -base64 32) CONNECTORS_SECRET_KEY_PREVIOUS=$(cat "$CONNECTORS_HOME/secret.key") <%= config.bin %> <%= command.id %> --to "$DATABASE_URL"',
    '<%= config.bin %> <%= command.id %> --to postgres://connectors@db.internal/connectors --schema team_a',
    '<%= config.bin %> <%= command.id %> --to ./backup-store',
  ];
  static override flags = {
    to: Flags.string({ description: 'Where to copy to: a postgres:// URL, or a folder for a file store.', required: true, helpValue: '<postgres url | dir>' }),
    schema: Flags.string({ description: 'The PostgreSQL schema of a postgres:// --to. Default: connectors.', helpValue: '<name>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreCopy);
    const project = await this.openProject(flags);
    process.stderr.write(`${describeCopy(await copyStore(project, { to: flags.to, schema: flags.schema }))}\n`);
  }
}
