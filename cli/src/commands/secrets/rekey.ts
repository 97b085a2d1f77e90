import { describeRekey, rekeyStore } from '@connectors/core/internal/runtime/rekey-store.js';
import { ProjectCommand } from '../../project-command.js';

export default class SecretsRekey extends ProjectCommand {
  static override summary = 'Re-encrypt every stored value under the current CONNECTORS_SECRET_KEY.';
  static override description = `Old values are opened with the retired keys in CONNECTORS_SECRET_KEY_PREVIOUS (comma-separated). Prints how many values were rewritten, never a value. A value no key opens is an error naming its key id, and nothing is changed.`;
  static override examples = ['CONNECTORS_SECRET_KEY=$(openssl rand -base64 32) CONNECTORS_SECRET_KEY_PREVIOUS=$OLD_KEY <%= config.bin %> <%= command.id %>'];

  async run(): Promise<void> {
    const { flags } = await this.parse(SecretsRekey);
    const project = await this.openProject(flags);
    process.stderr.write(`${describeRekey(await rekeyStore(project))}\n`);
  }
}
