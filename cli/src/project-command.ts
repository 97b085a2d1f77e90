import { Command, Flags } from '@oclif/core';
import { openProject, type Project } from '@connectors/core';
import { checkPathValues } from './flag-values.js';
import { shippedCatalogDir } from './shipped-catalog.js';

/**
 * Base of the commands that work in a project: `--catalog`, and `openProject()` with the CLI's
 * shipped catalog and data folder as fallbacks.
 */
export abstract class ProjectCommand extends Command {
  static override baseFlags = {
    catalog: Flags.string({
      description:
        'Catalog folder of <name>/connector.yaml manifests. Default: $CONNECTORS_CATALOG, `catalog:` in connectors.config.yaml, ./connectors, then the catalog shipped with the CLI.',
      helpGroup: 'GLOBAL',
    }),
  };

  protected async openProject(flags: { catalog?: string }): Promise<Project> {
    checkPathValues({ '--catalog': flags.catalog });
    return openProject({
      catalog: flags.catalog,
      shippedCatalogDir,
      defaultHome: this.config.dataDir,
    });
  }

  /** Writes one line to stdout. */
  protected out(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /** Writes JSON to stdout, for `--json`. */
  protected outJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
