import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { formatProblem } from '@connectors/core/internal/manifest/problem.js';
import { validatePaths } from '@connectors/core/internal/manifest/validate-paths.js';
import { ProjectCommand } from '../project-command.js';

export default class Validate extends ProjectCommand {
  static override summary = 'Check connector manifests against the schema and their auth schemes.';
  static override description = `Each PATH is a manifest file, a connector folder holding connector.yaml, or a catalog folder of <name>/connector.yaml. Without PATH the catalog is validated.
Every problem is printed as one line \`file:line:col: path: message\`; the exit code is 1 when there is any.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> connectors/tripletex',
    '<%= config.bin %> <%= command.id %> my-connector.yaml --json',
  ];
  static override strict = false;
  static override args = {
    path: Args.string({ description: 'Manifest files or folders (repeatable). Default: the catalog.' }),
  };
  static override flags = {
    json: Flags.boolean({ description: 'Print {"valid", "manifests", "problems": [{file, line, col, path, message}]} on stdout.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Validate);
    const project = await this.resolveProject(flags);
    const paths = argv.length > 0 ? (argv as string[]) : [project.catalogDir];
    const result = await validatePaths(paths, { registry: project.registry });
    if (flags.json) {
      this.outJson(result);
    } else {
      for (const problem of result.problems) this.out(formatProblem(problem));
      const count = result.problems.length;
      const summary = count === 0
        ? `${result.manifests} manifest${result.manifests === 1 ? '' : 's'} valid.`
        : `${count} problem${count === 1 ? '' : 's'} in ${result.manifests} manifest${result.manifests === 1 ? '' : 's'}.`;
      process.stderr.write(`${summary}\n`);
    }
    if (!result.valid) this.exit(1);
  }
}
